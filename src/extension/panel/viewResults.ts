// Converts what the engine returns (report + arrays) into what the panel shows. Pure: no vscode, no file system.
// Every array is copied into its own buffer: VS Code sends a typed array's whole underlying buffer to the webview.
import type {
  AnalysisResult,
  ImageArrays,
  ImageMomentsReport,
  ImageReport,
  ModelMomentsReport,
  ModelQuadrature,
  Report,
} from '../../engine/contract/report';
import type { ModelInspection } from '../../engine/contract/modelInspection';
import { PRESETS, type PreprocessValues } from '../../shared/presets';
import type {
  ImageArraysView,
  ImageResultView,
  ModelNumbersView,
  MomentsView,
  RunSummaryView,
  SaliencyView,
} from '../../shared/resultsView';
import type { ModelSummaryView } from '../../shared/modelSummaryView';
import { parametersView, pooledParametersView } from './parameterViews';

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function modelSummaryView(info: ModelInspection): ModelSummaryView {
  const p = info.preprocessing;
  const presets: Record<string, PreprocessValues> = {};
  for (const [name, v] of Object.entries(PRESETS)) presets[name] = { channels: v.channels, scale: v.scale, mean: [...v.mean], std: [...v.std] };
  return {
    input: { name: info.model.input.name, dtype: info.model.input.dtype, shape: [...info.model.input.shape] },
    output: { name: info.model.output.name, shape: [...info.model.output.shape] },
    layout: info.model.layout,
    outputKind: info.model.outputKind,
    outputKindReason: info.model.outputKindReason,
    opset: info.model.opset,
    irVersion: info.irVersion,
    producer: info.producer,
    dynamicBatch: info.dynamicBatch,
    inputSize: info.inputSize && [info.inputSize[0], info.inputSize[1]],
    channels: info.channels,
    guess: {
      preset: p.name,
      reason: p.certainty === 'given' ? p.reason : `${p.reason} (certainty: ${p.certainty})`,
      channels: p.channels as PreprocessValues['channels'],
      scale: p.scale,
      mean: [...p.mean],
      std: [...p.std],
    },
    presets,
  };
}

function momentsView(m: ImageMomentsReport): MomentsView {
  return {
    shape: [m.shape[0], m.shape[1], m.shape[2]],
    outcomes: m.outcomes,
    totalVariance: m.totalVariance,
    eigenvalues: [...m.eigenvalues],
    explained: [...m.explainedVariance],
    samplesForMeanImage: finiteOrNull(m.samplesForMeanImage),
    eigenMethod: m.eigenMethod,
    approximation: approximationNote(m),
  };
}

const short = (v: number) => Number(v.toPrecision(3)).toString();

/** In words, what is approximate about the image moments (quadrature of continuous parameters, reductions). */
function approximationNote(m: ImageMomentsReport): string | null {
  const notes: string[] = [];
  const q = m.quadrature;
  if (q?.randomized) {
    const r = q.randomized;
    const met = r.toleranceMet ? `within the tolerance ${short(r.tolerance)}` : `NOT within the tolerance ${short(r.tolerance)} (draw limit reached)`;
    notes.push(
      `continuous parameters integrated by a ${q.rule}: ${r.draws} draws, estimated errors mean map ${short(q.meanError ?? NaN)}, ` +
        `variance map ${short(q.varianceError ?? NaN)}${q.eigenvalueError === null ? '' : `, eigenvalues ${short(q.eigenvalueError)}`}, ${met}`,
    );
  } else if (q) {
    const pixels = 'per-pixel moments exact';
    const errors = [
      q.meanError === null ? null : `mean map within ${short(q.meanError)}`,
      q.varianceError === null ? null : `variance map within ${short(q.varianceError)}`,
      q.eigenvalueError === null ? null : `eigenvalues within ${short(q.eigenvalueError)}`,
    ].filter((e) => e !== null);
    const refined = errors.length ? `; refined to ${q.refinedNodes} nodes: ${errors.join(', ')}` : '';
    notes.push(`continuous parameters integrated by ${q.rule} with ${q.nodes} nodes (${pixels}${refined})`);
  }
  const reductions = m.reductions ?? [];
  if (reductions.length > 0) {
    const bound = reductions.reduce((s, r) => s + r.varianceBound, 0);
    const steps = reductions.map((r) => `${r.outcomesBefore} outcomes before ${r.before} reduced to rank ${r.rank}`).join('; ');
    notes.push(`${reductions.length} sigma-point reduction${reductions.length > 1 ? 's' : ''} (${steps}), variance lost at most ${short(bound)}`);
  }
  return notes.length > 0 ? notes.join('; ') : null;
}

function arraysView(a: ImageArrays): ImageArraysView {
  return {
    shape: [a.shape[0], a.shape[1], a.shape[2]],
    mean: a.mean.slice(),
    variance: a.variance.slice(),
    eigenvectors: a.eigenvectors.slice(),
    eigenCount: a.eigenCount,
    clean: a.clean.slice(),
    cleanShape: [a.cleanShape[0], a.cleanShape[1], a.cleanShape[2]],
    saliency: a.saliency?.slice() ?? null,
    saliencyMean: a.saliencyMean?.slice() ?? null,
    saliencyTimesStd: a.saliencyTimesStd?.slice() ?? null,
  };
}

function saliencyView(s: ModelMomentsReport['saliency'] | undefined): SaliencyView | null {
  if (!s || 'skipped' in s) return null;
  const a = s.alignment;
  return {
    method: s.method,
    fallbackReason: s.fallbackReason,
    alignment: a && {
      rayleigh: a.rayleigh,
      rayleighUpperBound: a.rayleighUpperBound,
      shares: [...a.shares],
      outsideShare: a.outsideShare,
      predictedStdLoss: a.predictedStdLoss,
    },
    spectra: {
      frequencies: [...s.spectra.frequencies],
      saliency: [...s.spectra.saliency],
      variance: [...s.spectra.variance],
      eigen: s.spectra.eigen.map((e) => [...e]),
    },
    highFrequency: { ...s.highFrequency },
  };
}

/** `saliency`, `quadrature` and `passes` are optional here: results stored by earlier versions lack them. */
function modelNumbersView(
  m: Omit<ModelMomentsReport, 'saliency' | 'quadrature' | 'passes'> & {
    saliency?: ModelMomentsReport['saliency'];
    quadrature?: ModelQuadrature | null;
    passes?: ModelMomentsReport['passes'];
  },
): ModelNumbersView {
  const mc = m.monteCarlo;
  return {
    method: m.method,
    methodNote: m.methodNote,
    warnings: [...(m.warnings ?? [])],
    quadratureError: m.quadrature?.error ? { ...m.quadrature.error } : null,
    // The exact path's passes (reports before schema 4 give only the total).
    forwardPasses: m.passes?.exactPath ?? m.forwardPasses,
    clean: { ...m.clean },
    expectedLoss: m.expectedLoss,
    expectedLossInterval: m.expectedLossInterval && [m.expectedLossInterval[0], m.expectedLossInterval[1]],
    stdLoss: m.stdLoss,
    flipRate: m.flipRate,
    flipRateInterval: m.flipRateInterval && [m.flipRateInterval[0], m.flipRateInterval[1]],
    expectedKL: m.expectedKL,
    samplesNeeded: { loss: finiteOrNull(m.samplesNeeded.loss), flipRate: finiteOrNull(m.samplesNeeded.flipRate) },
    analytic: m.analytic && {
      lossAtMean: m.analytic.lossAtMean,
      secondOrderExpectedLoss: m.analytic.secondOrderExpectedLoss,
      firstOrderStd: m.analytic.firstOrderStd,
      method: m.analytic.method,
      validity: {
        valid: m.analytic.validity.valid,
        reason: m.analytic.validity.reason,
        expectedLossGap: finiteOrNull(m.analytic.validity.expectedLossGap),
        stdLossGap: finiteOrNull(m.analytic.validity.stdLossGap),
      },
    },
    convergence:
      mc.samples.length > 0
        ? { samples: [...mc.samples], estimate: [...mc.estimate], lower: [...mc.lower], upper: [...mc.upper], exact: mc.exact, draws: mc.draws }
        : null,
    saliency: saliencyView(m.saliency),
    saliencySkipped: m.saliency && 'skipped' in m.saliency ? m.saliency.skipped : null,
    ...(m.parameters && { parameters: parametersView(m.parameters) }),
  };
}

/** An image's view while only its moments are known (the engine's partial result). */
export function partialImageView(label: string, moments: ImageMomentsReport, arrays: ImageArrays): ImageResultView {
  return { label, moments: momentsView(moments), model: null, arrays: arraysView(arrays), timingsMs: {} };
}

export function imageView(label: string, report: ImageReport, arrays: ImageArrays): ImageResultView {
  return {
    label,
    moments: momentsView(report.moments),
    model: report.model && modelNumbersView(report.model),
    arrays: arraysView(arrays),
    timingsMs: { ...report.timingsMs },
  };
}

export function runSummaryView(report: Report, elapsedMs: number): RunSummaryView {
  const p = report.preprocessing;
  const list = (xs: readonly number[]) => (xs.every((x) => x === xs[0]) ? `${xs[0]}` : xs.join(', '));
  return {
    policy: { text: report.policy.text, canonical: report.policy.canonical },
    preprocessing: p && `${p.name}: ${p.channels.toUpperCase()}, scale ${p.scale}, mean ${list(p.mean)}, std ${list(p.std)}, model input ${p.inputSize ? p.inputSize.join('x') : 'free (each image at its own size)'}${p.certainty === 'given' ? '' : `, a guess of ${p.certainty} certainty`}`,
    settings: {
      tolerance: report.settings.tolerance,
      confidence: report.settings.confidence,
      topK: report.settings.topK,
      forwardBudget: report.settings.forwardBudget,
      monteCarloSamples: report.settings.monteCarloSamples,
    },
    aggregate: {
      images: report.aggregate.images,
      meanExpectedLoss: report.aggregate.meanExpectedLoss,
      meanStdLoss: report.aggregate.meanStdLoss,
      meanFlipRate: report.aggregate.meanFlipRate,
      meanTotalVariance: report.aggregate.meanTotalVariance,
      ...(report.aggregate.parameters && { parameters: pooledParametersView(report.aggregate.parameters) }),
    },
    elapsedMs,
  };
}

/** Every image view of a finished analysis. */
export function resultViews(result: AnalysisResult, labels: readonly string[]): ImageResultView[] {
  return result.report.images.map((img, i) => imageView(labels[i] ?? basename(img.path), img, result.arrays[i]));
}

export function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
