import type { ParameterNoiseStats, ParametersReport, PooledParametersReport, SkippedParameters } from '../contract/parameterReport';

const n = (v: number, digits = 3) => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : v > 0 ? 'inf' : String(v));
const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'infinite');
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** The `--parameters` block of one image's summary: the totals, then a table with one row per layer. */
export function parameterSummary(p: ParametersReport | SkippedParameters): string[] {
  if ('skipped' in p) return [`  parameter gradients: skipped: ${p.skipped}`];
  const source = p.method === 'exact' ? `exact over ${int(p.outcomes)} outcomes` : p.note;
  const error = p.error
    ? `; ${(100 * p.confidence).toFixed(0)}% half-widths from ${p.error.replicates} replicates: E[g] +- ${pct(p.error.meanRelative)}, tr Cov +- ${pct(p.error.traceRelative)}`
    : '';
  const t = p.total;
  const lines = [
    `  parameter gradients (${source}, ${int(p.gradientRuns)} gradient runs; cross-entropy against class ${p.target}${error}):`,
    `    all ${int(t.size)} parameters: SNR ||E g||^2 / tr Cov ${n(t.snr)}, ~${int(t.samplesNeeded)} augmented samples for the averaged gradient ` +
      `within ${pct(p.tolerance)} of E[g]; one sample's cosine with E[g] ${n(t.cosine.mean)} [5%: ${n(t.cosine.p5)}, 95%: ${n(t.cosine.p95)}]; ` +
      `cos(E[g], clean gradient) ${n(t.cleanCosine)}`,
  ];
  const header = ['layer', 'op', 'values', '||E g||', 'tr Cov', 'SNR', 'samples', 'cos mean', 'cos 5%', 'cos 95%', 'cos clean'];
  const row = (name: string, op: string, s: ParameterNoiseStats) => [
    name,
    op,
    int(s.size),
    n(s.meanNorm),
    n(s.traceCovariance),
    n(s.snr),
    int(s.samplesNeeded),
    n(s.cosine.mean),
    n(s.cosine.p5),
    n(s.cosine.p95),
    n(s.cleanCosine),
  ];
  const rows = [header, ...p.layers.map((l) => row(l.layer, l.op, l))];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) lines.push(`    ${r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}`);
  return lines;
}

/** The images' gradients pooled: which part of the noise more images, and which more views per image, reduce. */
export function pooledParameterSummary(p: PooledParametersReport): string[] {
  const t = p.total;
  const lines = [
    `  parameter gradients pooled over ${p.images} images: ||E g|| ${n(t.meanNorm)}, tr Cov ${n(t.acrossImages + t.withinAugmentations)} = ` +
      `${n(t.acrossImages)} across images + ${n(t.withinAugmentations)} within augmentations (SNR ${n(t.snr)}); ` +
      `a batch of B images x V views averages to tr Cov = across / B + within / (B V)`,
  ];
  for (const l of p.layers) {
    lines.push(`    ${l.layer} (${l.op}): across ${n(l.acrossImages)}, within ${n(l.withinAugmentations)}, SNR ${n(l.snr)}`);
  }
  return lines;
}
