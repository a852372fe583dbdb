// What the diagnostics and hovers say about an analysis: the numbers taken from the engine's report and their
// wording. No vscode.
import type { Report } from '../../engine/contract/report';

export interface ImageNumbers {
  readonly image: string;
  readonly expectedLoss: number;
  readonly stdLoss: number;
  readonly samplesForLoss: number;
  readonly flipRate: number;
  readonly samplesForFlipRate: number;
  readonly expectedKL: number;
  readonly method: string;
  readonly cleanTop1: number;
  readonly cleanProbability: number;
  /** With `--parameters`: augmented samples for the averaged parameter gradient within the tolerance of E[g]. */
  readonly samplesForGradient: number | null;
}

/** The numbers of one analysis, per image and summed up. */
export interface StabilityNumbers {
  readonly images: readonly ImageNumbers[];
  /** Std[loss], averaged over the images. */
  readonly stdLoss: number;
  /** The largest sample count any image needs for the relative tolerance on E[loss]. */
  readonly samplesForLoss: number;
  /** The largest such count for the parameter gradient, null when the run had no parameter gradients. */
  readonly samplesForGradient: number | null;
  readonly tolerance: number;
  readonly confidence: number;
  readonly model: string;
  readonly preprocessing: string;
}

export interface Thresholds {
  readonly stdLoss: number;
  readonly samples: number;
}

/** Null when the report has no model results (it always has them when a model was given). */
export function stabilityNumbers(report: Report): StabilityNumbers | null {
  const images: ImageNumbers[] = [];
  for (const r of report.images) {
    if (!r.model) return null;
    images.push({
      image: baseName(r.path),
      expectedLoss: r.model.expectedLoss,
      stdLoss: r.model.stdLoss,
      samplesForLoss: r.model.samplesNeeded.loss,
      flipRate: r.model.flipRate,
      samplesForFlipRate: r.model.samplesNeeded.flipRate,
      expectedKL: r.model.expectedKL,
      method: r.model.methodNote,
      cleanTop1: r.model.clean.top1,
      cleanProbability: r.model.clean.probability,
      samplesForGradient: r.model.parameters && !('skipped' in r.model.parameters) ? r.model.parameters.total.samplesNeeded : null,
    });
  }
  if (images.length === 0) return null;
  const gradientCounts = images.flatMap((i) => (i.samplesForGradient === null ? [] : [i.samplesForGradient]));
  return {
    images,
    stdLoss: images.reduce((s, i) => s + i.stdLoss, 0) / images.length,
    samplesForLoss: Math.max(...images.map((i) => i.samplesForLoss)),
    samplesForGradient: gradientCounts.length > 0 ? Math.max(...gradientCounts) : null,
    tolerance: report.settings.tolerance,
    confidence: report.settings.confidence,
    model: baseName(report.model?.path ?? ''),
    preprocessing: report.preprocessing ? `${report.preprocessing.name} (${report.preprocessing.reason})` : 'none',
  };
}

/**
 * E.g. "Std[loss] 0.31 under this transform; ~24,000 samples for 1% error", and after a run with parameter gradients
 * "; ~92,000 augmented samples per image for the gradient".
 */
export function stabilityMessage(numbers: StabilityNumbers, subject: 'transform' | 'Compose'): string {
  const over = numbers.images.length > 1 ? ` (mean over ${numbers.images.length} images)` : '';
  const std = `Std[loss] ${formatValue(numbers.stdLoss)}${over} under this ${subject}`;
  const gradient = numbers.samplesForGradient !== null && Number.isFinite(numbers.samplesForGradient)
    ? `; ~${formatCount(numbers.samplesForGradient)} augmented samples per image for the gradient`
    : '';
  if (numbers.stdLoss === 0) return `${std}: the loss is the same for every outcome, one sample gives E[loss] exactly${gradient}`;
  if (!Number.isFinite(numbers.samplesForLoss)) return `${std}; E[loss] is 0, so no sample count reaches a relative error${gradient}`;
  return `${std}; ~${formatCount(numbers.samplesForLoss)} samples for ${formatPercent(numbers.tolerance)} error${gradient}`;
}

export function isWarning(numbers: StabilityNumbers, thresholds: Thresholds): boolean {
  return numbers.stdLoss > thresholds.stdLoss || numbers.samplesForLoss > thresholds.samples;
}

/** The hover: a table of the numbers per image, then what was analysed and with what. */
export function stabilityMarkdown(numbers: StabilityNumbers, about: { analysed: readonly string[]; leftOut: readonly string[]; normalization: string | null; context: string }): string {
  const tol = formatPercent(numbers.tolerance);
  const conf = formatPercent(numbers.confidence);
  const header = ['', ...numbers.images.map((i) => `\`${i.image}\``)];
  const row = (label: string, f: (i: ImageNumbers) => string) => [label, ...numbers.images.map(f)];
  const rows = [
    row('E[loss]', (i) => formatValue(i.expectedLoss)),
    row('Std[loss]', (i) => formatValue(i.stdLoss)),
    row(`samples for ${tol} error on E[loss] (${conf})`, (i) => (Number.isFinite(i.samplesForLoss) ? formatCount(i.samplesForLoss) : 'n/a (E[loss] = 0)')),
    row('top-1 flip rate', (i) => formatPercent(i.flipRate)),
    row(`samples for ±${tol} on the flip rate`, (i) => formatCount(i.samplesForFlipRate)),
    ...(numbers.samplesForGradient === null ? [] : [row(`samples for ${tol} error on the parameter gradient (${conf})`, gradientCell)]),
    row('E[KL(clean ‖ augmented)]', (i) => formatValue(i.expectedKL)),
    row('clean prediction', (i) => `class ${i.cleanTop1} (p = ${i.cleanProbability.toFixed(3)})`),
    row('method', (i) => i.method),
  ];
  const table = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.map(escapeCell).join(' | ')} |`).join('\n');
  const steps = about.analysed.join(' → ');
  const lines = [
    `**AugLens stability** of \`${steps}\`${about.leftOut.length > 0 ? ` (left out: ${about.leftOut.join(', ')})` : ''}`,
    '',
    table,
    '',
    `Model \`${numbers.model}\`, input normalisation: ${about.normalization ?? `preprocessing ${numbers.preprocessing}`}. Settings from ${about.context}.`,
  ];
  return lines.join('\n');
}

function gradientCell(numbers: ImageNumbers): string {
  if (numbers.samplesForGradient === null) return 'not computed';
  return Number.isFinite(numbers.samplesForGradient) ? formatCount(numbers.samplesForGradient) : 'n/a (E[g] = 0)';
}

/** Two significant digits, without exponent notation for everyday magnitudes: 0.31, 2.3, 12, 1,234. */
export function formatValue(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) < 1e-4) return x.toExponential(1);
  return String(Number(x.toPrecision(2)));
}

/** A sample count rounded to two significant digits above 100: 24,321 -> "24,000". */
export function formatCount(n: number): string {
  if (n < 100) return String(n);
  const magnitude = 10 ** (Math.floor(Math.log10(n)) - 1);
  return (Math.round(n / magnitude) * magnitude).toLocaleString('en-US');
}

export function formatPercent(x: number): string {
  return `${Number((100 * x).toPrecision(3))}%`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
