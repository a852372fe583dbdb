// The panel's view of the gradient noise on the model's parameters (analyze with `parameters`): per image and pooled
// over images. Non-finite figures (an SNR of a gradient that never varies) travel as null.
import { MAX_TEXT_LENGTH, hasOnlyKeys, isFields, isFiniteNumber, isInteger, isOneOf, isText } from './validate';

export interface ParameterNoiseView {
  size: number;
  meanNorm: number;
  traceCovariance: number;
  /** ||E g||^2 / tr Cov g; null when the gradient does not vary (infinite). */
  snr: number | null;
  /** Augmented samples for the averaged gradient to be within the tolerance of E[g]; null when unbounded. */
  samplesNeeded: number | null;
  cosine: { mean: number; p5: number; p95: number };
  /** cos(E[g], clean gradient); null when either is zero. */
  cleanCosine: number | null;
}

export interface ParameterLayerView extends ParameterNoiseView {
  layer: string;
  op: string;
}

export interface ParametersView {
  method: 'exact' | 'sampled' | 'quadrature';
  note: string;
  outcomes: number;
  target: number;
  tolerance: number;
  confidence: number;
  total: ParameterNoiseView;
  layers: ParameterLayerView[];
  error: { meanRelative: number; traceRelative: number; replicates: number } | null;
}

/** The image's parameter-gradient figures, or why they were not computed. */
export type ParametersResultView = ParametersView | { skipped: string };

export interface PooledNoiseView {
  size: number;
  meanNorm: number;
  acrossImages: number;
  withinAugmentations: number;
  snr: number | null;
}

export interface PooledParametersView {
  images: number;
  total: PooledNoiseView;
  layers: (PooledNoiseView & { layer: string; op: string })[];
}

export const MAX_PARAMETER_LAYERS = 4096;
const NAME_LENGTH = 512;

const isCosine = (v: unknown): v is number => isFiniteNumber(v) && v >= -1 - 1e-6 && v <= 1 + 1e-6;
const isNonNegative = (v: unknown): v is number => isFiniteNumber(v) && v >= 0;

function parseNoise(value: unknown): ParameterNoiseView | undefined {
  if (!isFields(value)) return undefined;
  const { size, meanNorm, traceCovariance, snr, samplesNeeded, cosine, cleanCosine } = value;
  if (!isInteger(size, 0, Number.MAX_SAFE_INTEGER) || !isNonNegative(meanNorm) || !isNonNegative(traceCovariance)) return undefined;
  if (!(snr === null || isNonNegative(snr)) || !(samplesNeeded === null || isNonNegative(samplesNeeded))) return undefined;
  if (!isFields(cosine) || !isCosine(cosine.mean) || !isCosine(cosine.p5) || !isCosine(cosine.p95)) return undefined;
  if (!(cleanCosine === null || isCosine(cleanCosine))) return undefined;
  return { size, meanNorm, traceCovariance, snr, samplesNeeded, cosine: { mean: cosine.mean, p5: cosine.p5, p95: cosine.p95 }, cleanCosine };
}

function parseLayerName(value: { layer?: unknown; op?: unknown }): { layer: string; op: string } | undefined {
  return isText(value.layer, NAME_LENGTH) && isText(value.op, NAME_LENGTH) ? { layer: value.layer, op: value.op } : undefined;
}

function parseList<T>(value: unknown, item: (v: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_PARAMETER_LAYERS) return undefined;
  const items = value.map(item);
  return items.every((i) => i !== undefined) ? (items as T[]) : undefined;
}

/** An image's `parameters` view; undefined when malformed. */
export function parseParametersResult(value: unknown): ParametersResultView | undefined {
  if (!isFields(value)) return undefined;
  if ('skipped' in value) return hasOnlyKeys(value, ['skipped']) && isText(value.skipped, MAX_TEXT_LENGTH) ? { skipped: value.skipped } : undefined;
  const { method, note, outcomes, target, tolerance, confidence, error } = value;
  if (!isOneOf(method, ['exact', 'sampled', 'quadrature'] as const) || !isText(note)) return undefined;
  if (!isInteger(outcomes, 1, Number.MAX_SAFE_INTEGER) || !isInteger(target, 0, Number.MAX_SAFE_INTEGER)) return undefined;
  if (!isFiniteNumber(tolerance) || !(tolerance > 0) || !isFiniteNumber(confidence) || !(confidence > 0 && confidence < 1)) return undefined;
  const total = parseNoise(value.total);
  const layers = parseList(value.layers, (v) => {
    const noise = parseNoise(v);
    const name = isFields(v) ? parseLayerName(v) : undefined;
    return noise && name && { ...name, ...noise };
  });
  if (!total || !layers) return undefined;
  let errorView: ParametersView['error'] = null;
  if (error !== null) {
    if (!isFields(error) || !isNonNegative(error.meanRelative) || !isNonNegative(error.traceRelative) || !isInteger(error.replicates, 1, 1 << 16)) return undefined;
    errorView = { meanRelative: error.meanRelative, traceRelative: error.traceRelative, replicates: error.replicates };
  }
  if ((method === 'exact') !== (errorView === null)) return undefined;
  return { method, note, outcomes, target, tolerance, confidence, total, layers, error: errorView };
}

function parsePooledNoise(value: unknown): PooledNoiseView | undefined {
  if (!isFields(value)) return undefined;
  const { size, meanNorm, acrossImages, withinAugmentations, snr } = value;
  if (!isInteger(size, 0, Number.MAX_SAFE_INTEGER) || ![meanNorm, acrossImages, withinAugmentations].every(isNonNegative)) return undefined;
  if (!(snr === null || isNonNegative(snr))) return undefined;
  return { size, meanNorm: meanNorm as number, acrossImages: acrossImages as number, withinAugmentations: withinAugmentations as number, snr };
}

/** The run's pooled `parameters` view (several images); undefined when malformed. */
export function parsePooledParameters(value: unknown): PooledParametersView | undefined {
  if (!isFields(value) || !isInteger(value.images, 1, 1 << 16)) return undefined;
  const total = parsePooledNoise(value.total);
  const layers = parseList(value.layers, (v) => {
    const noise = parsePooledNoise(v);
    const name = isFields(v) ? parseLayerName(v) : undefined;
    return noise && name && { ...name, ...noise };
  });
  return total && layers && { images: value.images, total, layers };
}
