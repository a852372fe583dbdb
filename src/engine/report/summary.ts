import type { ImageReport, ModelMomentsReport, Report } from '../contract/report';
import { parameterSummary, pooledParameterSummary } from './parameterSummary';
import { summaryNotes } from './summaryNotes';

const n = (v: number, digits = 4) => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : String(v));
const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'infinite');
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** The human-readable summary printed by the CLI. */
export function formatSummary(report: Report): string {
  const lines: string[] = [];
  lines.push(`policy: ${report.policy.canonical}`);
  if (report.model) {
    const m = report.model;
    lines.push(`model: ${m.path} (${m.input.dtype} ${m.input.shape.join('x')} ${m.layout}, ${m.outputKind}: ${m.outputKindReason})`);
  }
  if (report.preprocessing) {
    const p = report.preprocessing;
    lines.push(
      `preprocessing: ${p.name} (${p.channels.toUpperCase()}, scale ${p.scale}, mean ${p.mean.join(', ')}, std ${p.std.join(', ')}, ` +
        `${p.inputSize ? `fit to ${p.inputSize.join('x')}` : 'free size: each image at its own size'}): ${p.reason}` +
        (p.certainty === 'given' ? '' : ` [certainty: ${p.certainty}]`),
    );
  }
  lines.push(...summaryNotes(report));
  for (const img of report.images) lines.push('', ...imageSummary(img, report));
  if (report.images.length > 1) {
    const a = report.aggregate;
    lines.push('', `aggregate over ${a.images} images: mean tr Cov ${n(a.meanTotalVariance)}`);
    if (a.meanExpectedLoss !== null) {
      lines.push(`  mean E[loss] ${n(a.meanExpectedLoss)}, mean Std[loss] ${n(a.meanStdLoss!)}, mean flip rate ${pct(a.meanFlipRate!)}`);
    }
    if (a.parameters) lines.push(...pooledParameterSummary(a.parameters));
  }
  return lines.join('\n');
}

/** How the moments of a policy with continuous parameters were integrated, and their errors. */
function continuousLines(q: NonNullable<ImageReport['moments']['quadrature']>): string[] {
  const eigen = q.eigenvalueError === null ? '' : `; eigenvalues +- ${n(q.eigenvalueError, 2)}`;
  if (q.randomized) {
    const r = q.randomized;
    return [
      `  per-pixel moments: ${q.rule}, ${int(r.draws)} draws; estimated relative error: mean ${n(q.meanError ?? NaN, 2)}, variance ${n(q.varianceError ?? NaN, 2)}` +
        ` (root mean square over pixels, from the replicates' spread)${eigen}`,
      r.toleranceMet
        ? `  tolerance ${pct(r.tolerance)}: met`
        : `  tolerance ${pct(r.tolerance)}: NOT met within the draw limit (${int(r.draws)} draws); the errors above are what was reached`,
    ];
  }
  return [
    `  per-pixel moments: exact`,
    `  eigenpairs from ${int(q.nodes)} outcomes (${q.rule}; refined: ${int(q.refinedNodes)})` +
      (q.meanError === null || q.varianceError === null ? '' : `; their maps differ from the exact ones by: mean ${n(q.meanError, 2)}, variance ${n(q.varianceError, 2)}`) +
      eigen,
  ];
}

function saliencyLines(s: ModelMomentsReport['saliency']): string[] {
  if ('skipped' in s) return [`  saliency: skipped: ${s.skipped}`];
  const lines = [
    `  saliency (${s.method === 'graph' ? 'gradient graph' : s.method}, ${int(s.evaluations)} evaluations): ||g|| ${n(s.gradientNormClean, 3)} at the clean image, ${n(s.gradientNormMean, 3)} at the mean image`,
  ];
  if (s.fallbackReason) lines.push(`    fallback because: ${s.fallbackReason}`);
  if (s.alignment) {
    const a = s.alignment;
    const onTop = a.shares.reduce((x, y) => x + y, 0);
    lines.push(
      `    g^T Cov g = ${n(a.gCovG)} (<= ${n(a.gCovGUpperBound)}), normalised Rayleigh quotient ${n(a.rayleigh, 3)}; ` +
        `${pct(onTop)} of ||g||^2 on the top-${a.shares.length} eigenvectors, ${pct(a.outsideShare)} outside`,
    );
  }
  lines.push(`    power above ${s.highFrequency.cutoff} cycles/pixel: saliency ${pct(s.highFrequency.saliency)}, variance map ${pct(s.highFrequency.variance)}`);
  return lines;
}

function imageSummary(img: ImageReport, report: Report): string[] {
  const m = img.moments;
  const eps = report.settings.tolerance;
  const lines = [
    `${img.path} (${img.inputShape.join('x')} -> ${m.shape.join('x')} after the policy)`,
    ...(m.quadrature ? continuousLines(m.quadrature) : [`  outcomes: ${int(m.outcomes)} (enumerated exactly)`]),
    ...m.reductions.map(
      (r) => `  moments: ${int(r.outcomesBefore)} outcomes before ${r.before} replaced by ${2 * r.rank} sigma points (tr Cov error <= ${n(r.varianceBound, 2)})`,
    ),
    `  total variance tr Cov[T(x)]: ${n(m.totalVariance)} (${n(m.totalVariance / (m.shape[0] * m.shape[1] * m.shape[2]))} per pixel)`,
  ];
  if (m.eigenvalues.length) {
    const cumulative = m.explainedVariance.reduce((s, v) => s + v, 0);
    lines.push(
      `  top-${m.eigenvalues.length} eigenvalues: ${m.eigenvalues.map((v, i) => `${n(v)} (${pct(m.explainedVariance[i])})`).join(', ')}`,
      `    together ${pct(cumulative)} of the variance (${m.eigenMethod}, residual ${n(m.eigenResidual ?? 0, 2)})`,
    );
  }
  lines.push(`  Monte-Carlo draws for ${pct(eps)} relative error of the mean image: ${int(m.samplesForMeanImage)}`);
  const r = img.model;
  if (r) {
    const ci = (iv: readonly [number, number] | null) => (iv ? ` [${n(iv[0])}, ${n(iv[1])}]` : '');
    const err = r.quadrature?.error;
    const pm = (e: number | undefined, format = n) => (e === undefined ? '' : ` +- ${format(e)}`);
    lines.push(
      `  clean prediction: class ${r.clean.top1} (p = ${n(r.clean.probability, 3)}), loss ${n(r.clean.loss)} against class ${r.clean.target}`,
      `  E[loss] = ${n(r.expectedLoss)}${pm(err?.expectedLoss, (e) => n(e, 2))}${ci(r.expectedLossInterval)}, ` +
        `Std[loss] = ${n(r.stdLoss)}${pm(err?.stdLoss, (e) => n(e, 2))}  (${r.method}, ${int(r.passes.exactPath)} forward passes)`,
      `  flip rate ${pct(r.flipRate)}${pm(err?.flipRate, pct)}${r.flipRateInterval ? ` [${pct(r.flipRateInterval[0])}, ${pct(r.flipRateInterval[1])}]` : ''}, E[KL(clean || augmented)] = ${n(r.expectedKL)}`,
      `  samples needed: ${int(r.samplesNeeded.loss)} for ${pct(eps)} relative error on E[loss], ${int(r.samplesNeeded.flipRate)} for +-${pct(eps)} on the flip rate`,
    );
    const firstWithin = r.quadrature?.levels.find((l) => l.halfWidths && l.halfWidths.expectedLoss <= eps * Math.abs(l.expectedLoss));
    const control = r.quadrature?.control;
    if (firstWithin) {
      const passes = firstWithin.nodes + (control?.outcomes ?? 0);
      const controlText = control ? ` (${int(control.outcomes)} of them for the control variate: the outcomes of ${control.label})` : '';
      lines.push(`  E[loss] was within ${pct(eps)} after ${int(passes)} forward passes of the randomized rule${controlText}`);
    }
    if (r.analytic) {
      const an = r.analytic;
      const v = an.validity;
      lines.push(
        `  Taylor approximation at the mean image (${an.method})${v.valid ? '' : ` (not valid here: ${v.reason})`}: ` +
          `Std[loss] ~ ${n(an.firstOrderStd)} (first order) vs ${r.method} ${n(r.stdLoss)}${gapText(v.stdLossGap)}; ` +
          `E[loss] ~ ${n(an.lossAtMean)} (zeroth), ${n(an.secondOrderExpectedLoss)} (second order) vs ${r.method} ${n(r.expectedLoss)}${gapText(v.expectedLossGap)}`,
      );
    }
    lines.push(...saliencyLines(r.saliency));
    if (r.parameters) lines.push(...parameterSummary(r.parameters));
    const mc = r.monteCarlo;
    if (mc.samples.length) {
      const last = mc.samples.length - 1;
      const from = mc.source === 'model' ? 'augmentations run through the model' : `drawn from the ${r.method === 'exact' ? 'outcomes' : 'rule\'s points'} already evaluated, no forward pass`;
      lines.push(
        `  Monte Carlo after ${int(mc.draws)} draws (${from}): ${n(mc.estimate[last])} [${n(mc.lower[last])}, ${n(mc.upper[last])}] (${r.method} ${n(mc.exact)})`,
      );
    }
    const ps = r.passes;
    lines.push(`  forward passes: ${int(r.forwardPasses)} (clean ${ps.clean}, ${r.method} ${int(ps.exactPath)}, saliency ${int(ps.saliency)}, Monte Carlo ${int(ps.monteCarlo)}) at ${r.inputSize.join('x')}`);
    if (r.method !== 'exact') lines.push(`  note: ${r.methodNote}`);
  }
  const t = img.timingsMs;
  lines.push(`  time: ${Object.entries(t).map(([k, v]) => `${k} ${v < 1000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(2)} s`}`).join(', ')}`);
  return lines;
}

function gapText(gap: number): string {
  return Number.isFinite(gap) ? `, ${(100 * gap).toFixed(0)}% off` : '';
}
