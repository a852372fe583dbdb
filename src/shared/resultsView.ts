// The results the stability panel shows (image moments, model numbers, arrays, run summary), with their validators.
// Values that may be infinite (samples needed when E[loss] = 0) travel as null: postMessage serialises through JSON,
// which has no Infinity. Large arrays are Float32Arrays (sent as binary by VS Code).
import {
  type Fields,
  MAX_POLICY_LENGTH,
  isFields,
  isFiniteNumber,
  isFloat32Array,
  isInteger,
  isNumberList,
  isOneOf,
  isShape,
  isText,
} from './validate';
import { type ParametersResultView, type PooledParametersView, parseParametersResult, parsePooledParameters } from './parametersView';

export interface MomentsView {
  /** [C, H, W] of the augmented image. */
  shape: [number, number, number];
  outcomes: number;
  totalVariance: number;
  eigenvalues: number[];
  /** Share of tr Cov[T(x)] of each eigenvalue. */
  explained: number[];
  samplesForMeanImage: number | null;
  eigenMethod: string | null;
  /** Set when the engine reduced a composition's outcomes (sigma points), with its bound on the variance lost. */
  approximation: string | null;
}

export interface ConvergenceView {
  samples: number[];
  estimate: number[];
  lower: number[];
  upper: number[];
  exact: number;
  draws: number;
}

/** The saliency g = dLoss/dImage at the mean image and how it lines up with the augmentation covariance. */
export interface SaliencyView {
  /** 'graph' (reverse mode through the ONNX graph) or the finite-difference fallback's label. */
  method: string;
  fallbackReason: string | null;
  alignment: {
    /** g^T Cov g / (lambda_max ||g||^2) over the top eigenvectors, in [0, 1], and its upper bound. */
    rayleigh: number;
    rayleighUpperBound: number;
    /** Share of ||g||^2 along each top eigenvector, and outside their span. */
    shares: number[];
    outsideShare: number;
    /** sqrt(g^T Cov g): Std[loss] to first order. */
    predictedStdLoss: number;
  } | null;
  /** Radial power spectra (cycles per pixel) of the saliency, the variance map and each eigen-image. */
  spectra: { frequencies: number[]; saliency: number[]; variance: number[]; eigen: number[][] };
  /** Share of the power above `cutoff` cycles per pixel. */
  highFrequency: { cutoff: number; saliency: number; variance: number };
}

export interface ModelNumbersView {
  method: 'exact' | 'quadrature' | 'stratified';
  methodNote: string;
  /** Why these numbers say nothing about stability (a single output, a saturated softmax); empty when nothing is known to. */
  warnings: string[];
  /** Continuous policies: the error estimates of E[loss], Std[loss] and the flip rate from refining the rule. */
  quadratureError: { expectedLoss: number; stdLoss: number; flipRate: number } | null;
  /** Forward passes of the exact path (or quadrature / stratified sample) behind the numbers. */
  forwardPasses: number;
  clean: { top1: number; target: number; probability: number; loss: number };
  expectedLoss: number;
  expectedLossInterval: [number, number] | null;
  stdLoss: number;
  flipRate: number;
  flipRateInterval: [number, number] | null;
  expectedKL: number;
  samplesNeeded: { loss: number | null; flipRate: number | null };
  /** The loss expanded at the mean image along the top eigenvectors. */
  analytic: {
    lossAtMean: number;
    secondOrderExpectedLoss: number;
    firstOrderStd: number;
    method: string;
    /** Whether the Taylor expansion holds here; the gaps are relative to the computed values (null: infinite). */
    validity: { valid: boolean; reason: string | null; expectedLossGap: number | null; stdLossGap: number | null };
  } | null;
  convergence: ConvergenceView | null;
  saliency: SaliencyView | null;
  /** Why no saliency was computed (switched off, over the budget, graph refused), or null. */
  saliencySkipped: string | null;
  /** Gradient noise on the model's parameters; absent when the run did not ask for it. */
  parameters?: ParametersResultView;
}

export interface ImageArraysView {
  /** [C, H, W] of mean, variance, each eigenvector and the saliency maps. */
  shape: [number, number, number];
  mean: Float32Array;
  variance: Float32Array;
  /** eigenCount x C x H x W. */
  eigenvectors: Float32Array;
  eigenCount: number;
  clean: Float32Array;
  cleanShape: [number, number, number];
  /** dLoss/dImage at the clean image (cleanShape), when a model was analysed. */
  saliency: Float32Array | null;
  /** dLoss/dImage at the mean image (shape). */
  saliencyMean: Float32Array | null;
  /** |dLoss/dImage at the mean| x sqrt(variance) (shape). */
  saliencyTimesStd: Float32Array | null;
}

export interface ImageResultView {
  label: string;
  moments: MomentsView;
  /** null while only the image moments are known, or when no model ran. */
  model: ModelNumbersView | null;
  arrays: ImageArraysView;
  timingsMs: Record<string, number>;
}

export interface RunSummaryView {
  policy: { text: string; canonical: string };
  preprocessing: string | null;
  settings: { tolerance: number; confidence: number; topK: number; forwardBudget: number; monteCarloSamples: number };
  aggregate: {
    images: number;
    meanExpectedLoss: number | null;
    meanStdLoss: number | null;
    meanFlipRate: number | null;
    meanTotalVariance: number;
    /** Several images with parameter gradients: their pooled noise, across images and within augmentations. */
    parameters?: PooledParametersView;
  };
  elapsedMs: number;
}

const nullableNumber = (v: unknown): v is number | null => v === null || isFiniteNumber(v);
const isInterval = (v: unknown): v is [number, number] | null =>
  v === null || (Array.isArray(v) && v.length === 2 && v.every(isFiniteNumber));
const MAX_SERIES = 100_000;

function parseMoments(value: unknown): MomentsView | undefined {
  if (!isFields(value) || !isShape(value.shape)) return undefined;
  const { outcomes, totalVariance, eigenvalues, explained, samplesForMeanImage, eigenMethod } = value;
  if (!isFiniteNumber(outcomes) || !isFiniteNumber(totalVariance) || !nullableNumber(samplesForMeanImage)) return undefined;
  if (!isNumberList(eigenvalues, 256) || !isNumberList(explained, 256) || eigenvalues.length !== explained.length) return undefined;
  if (eigenMethod !== null && !isText(eigenMethod)) return undefined;
  const approximation = value.approximation;
  if (approximation !== null && !isText(approximation)) return undefined;
  return { shape: value.shape, outcomes, totalVariance, eigenvalues, explained, samplesForMeanImage, eigenMethod, approximation };
}

function parseConvergence(value: unknown): ConvergenceView | null | undefined {
  if (value === null) return null;
  if (!isFields(value) || !isFiniteNumber(value.exact) || !isFiniteNumber(value.draws)) return undefined;
  const series = [value.samples, value.estimate, value.lower, value.upper];
  if (!series.every((s) => isNumberList(s, MAX_SERIES))) return undefined;
  const [samples, estimate, lower, upper] = series as number[][];
  if (![estimate, lower, upper].every((s) => s.length === samples.length)) return undefined;
  return { samples, estimate, lower, upper, exact: value.exact, draws: value.draws };
}

const isSeries = (v: unknown): v is number[] => isNumberList(v, MAX_SERIES);

export function parseSaliency(value: unknown): SaliencyView | null | undefined {
  if (value === null) return null;
  if (!isFields(value) || !isText(value.method) || (value.fallbackReason !== null && !isText(value.fallbackReason))) return undefined;
  const { alignment: a, spectra: sp, highFrequency: hf } = value;
  let alignment: SaliencyView['alignment'] = null;
  if (a !== null) {
    if (!isFields(a) || ![a.rayleigh, a.rayleighUpperBound, a.outsideShare, a.predictedStdLoss].every(isFiniteNumber)) return undefined;
    if (!isNumberList(a.shares, 256)) return undefined;
    alignment = {
      rayleigh: a.rayleigh as number,
      rayleighUpperBound: a.rayleighUpperBound as number,
      shares: a.shares,
      outsideShare: a.outsideShare as number,
      predictedStdLoss: a.predictedStdLoss as number,
    };
  }
  if (!isFields(sp) || !isSeries(sp.frequencies) || !isSeries(sp.saliency) || !isSeries(sp.variance)) return undefined;
  if (!Array.isArray(sp.eigen) || sp.eigen.length > 256 || !sp.eigen.every(isSeries)) return undefined;
  if (!isFields(hf) || ![hf.cutoff, hf.saliency, hf.variance].every(isFiniteNumber)) return undefined;
  return {
    method: value.method,
    fallbackReason: value.fallbackReason,
    alignment,
    spectra: { frequencies: sp.frequencies, saliency: sp.saliency, variance: sp.variance, eigen: sp.eigen as number[][] },
    highFrequency: { cutoff: hf.cutoff as number, saliency: hf.saliency as number, variance: hf.variance as number },
  };
}

function parseModelNumbers(value: unknown): ModelNumbersView | null | undefined {
  if (value === null) return null;
  if (!isFields(value) || !isOneOf(value.method, ['exact', 'quadrature', 'stratified'] as const) || !isText(value.methodNote)) return undefined;
  const warnings = value.warnings === undefined ? [] : value.warnings;
  if (!Array.isArray(warnings) || !warnings.every(isText)) return undefined;
  const qe = value.quadratureError;
  if (qe !== null && !(isFields(qe) && [qe.expectedLoss, qe.stdLoss, qe.flipRate].every(isFiniteNumber))) return undefined;
  const clean = value.clean;
  if (!isFields(clean) || ![clean.top1, clean.target, clean.probability, clean.loss].every(isFiniteNumber)) return undefined;
  const scalars = [value.forwardPasses, value.expectedLoss, value.stdLoss, value.flipRate, value.expectedKL];
  if (!scalars.every(isFiniteNumber) || !isInterval(value.expectedLossInterval) || !isInterval(value.flipRateInterval)) return undefined;
  const needed = value.samplesNeeded;
  if (!isFields(needed) || !nullableNumber(needed.loss) || !nullableNumber(needed.flipRate)) return undefined;
  const analytic = value.analytic;
  const validityOk = (v: unknown) =>
    isFields(v) && typeof v.valid === 'boolean' && (v.reason === null || isText(v.reason)) && nullableNumber(v.expectedLossGap) && nullableNumber(v.stdLossGap);
  const analyticOk = (a: Fields) =>
    [a.lossAtMean, a.secondOrderExpectedLoss, a.firstOrderStd].every(isFiniteNumber) && isText(a.method) && validityOk(a.validity);
  if (analytic !== null && !(isFields(analytic) && analyticOk(analytic))) return undefined;
  const convergence = parseConvergence(value.convergence);
  const saliency = parseSaliency(value.saliency);
  if (convergence === undefined || saliency === undefined) return undefined;
  const parameters = value.parameters === undefined ? undefined : parseParametersResult(value.parameters);
  if (value.parameters !== undefined && !parameters) return undefined;
  return {
    method: value.method,
    methodNote: value.methodNote,
    warnings: [...warnings],
    quadratureError: qe === null ? null : { expectedLoss: qe.expectedLoss as number, stdLoss: qe.stdLoss as number, flipRate: qe.flipRate as number },
    forwardPasses: value.forwardPasses as number,
    clean: { top1: clean.top1 as number, target: clean.target as number, probability: clean.probability as number, loss: clean.loss as number },
    expectedLoss: value.expectedLoss as number,
    expectedLossInterval: value.expectedLossInterval,
    stdLoss: value.stdLoss as number,
    flipRate: value.flipRate as number,
    flipRateInterval: value.flipRateInterval,
    expectedKL: value.expectedKL as number,
    samplesNeeded: { loss: needed.loss, flipRate: needed.flipRate },
    analytic:
      analytic === null
        ? null
        : {
            lossAtMean: analytic.lossAtMean as number,
            secondOrderExpectedLoss: analytic.secondOrderExpectedLoss as number,
            firstOrderStd: analytic.firstOrderStd as number,
            method: analytic.method as string,
            validity: analytic.validity as { valid: boolean; reason: string | null; expectedLossGap: number | null; stdLossGap: number | null },
          },
    convergence,
    saliency,
    saliencySkipped: isText(value.saliencySkipped) ? value.saliencySkipped : null,
    ...(parameters && { parameters }),
  };
}

function parseArrays(value: unknown): ImageArraysView | undefined {
  if (!isFields(value) || !isShape(value.shape) || !isShape(value.cleanShape)) return undefined;
  const [c, h, w] = value.shape;
  const size = c * h * w;
  const { eigenCount, saliency, saliencyMean, saliencyTimesStd } = value;
  if (!isInteger(eigenCount, 0, 256)) return undefined;
  if (!isFloat32Array(value.mean, size) || !isFloat32Array(value.variance, size)) return undefined;
  if (!isFloat32Array(value.eigenvectors, eigenCount * size)) return undefined;
  const [cc, ch, cw] = value.cleanShape;
  if (!isFloat32Array(value.clean, cc * ch * cw)) return undefined;
  const optional = (v: unknown, length: number): v is Float32Array | null => v === null || isFloat32Array(v, length);
  if (!optional(saliency, cc * ch * cw) || !optional(saliencyMean, size) || !optional(saliencyTimesStd, size)) return undefined;
  return {
    shape: value.shape,
    mean: value.mean,
    variance: value.variance,
    eigenvectors: value.eigenvectors,
    eigenCount,
    clean: value.clean,
    cleanShape: value.cleanShape,
    saliency,
    saliencyMean,
    saliencyTimesStd,
  };
}

export function parseImageResult(value: unknown): ImageResultView | undefined {
  if (!isFields(value) || !isText(value.label)) return undefined;
  const moments = parseMoments(value.moments);
  const model = parseModelNumbers(value.model);
  const arrays = parseArrays(value.arrays);
  if (!moments || model === undefined || !arrays) return undefined;
  const timings = value.timingsMs;
  if (!isFields(timings) || !Object.values(timings).every(isFiniteNumber)) return undefined;
  return { label: value.label, moments, model, arrays, timingsMs: timings as Record<string, number> };
}

export function parseRunSummary(value: unknown): RunSummaryView | undefined {
  if (!isFields(value) || !isFiniteNumber(value.elapsedMs)) return undefined;
  const { policy, preprocessing, settings, aggregate } = value;
  if (!isFields(policy) || !isText(policy.text, MAX_POLICY_LENGTH) || !isText(policy.canonical, MAX_POLICY_LENGTH)) return undefined;
  if (preprocessing !== null && !isText(preprocessing)) return undefined;
  if (!isFields(settings) || !['tolerance', 'confidence', 'topK', 'forwardBudget', 'monteCarloSamples'].every((k) => isFiniteNumber(settings[k]))) {
    return undefined;
  }
  if (!isFields(aggregate) || !isFiniteNumber(aggregate.images) || !isFiniteNumber(aggregate.meanTotalVariance)) return undefined;
  if (![aggregate.meanExpectedLoss, aggregate.meanStdLoss, aggregate.meanFlipRate].every(nullableNumber)) return undefined;
  const pooled = aggregate.parameters === undefined ? undefined : parsePooledParameters(aggregate.parameters);
  if (aggregate.parameters !== undefined && !pooled) return undefined;
  const n = (v: unknown) => v as number;
  return {
    policy: { text: policy.text, canonical: policy.canonical },
    preprocessing,
    settings: {
      tolerance: n(settings.tolerance),
      confidence: n(settings.confidence),
      topK: n(settings.topK),
      forwardBudget: n(settings.forwardBudget),
      monteCarloSamples: n(settings.monteCarloSamples),
    },
    aggregate: {
      images: aggregate.images,
      meanExpectedLoss: aggregate.meanExpectedLoss as number | null,
      meanStdLoss: aggregate.meanStdLoss as number | null,
      meanFlipRate: aggregate.meanFlipRate as number | null,
      meanTotalVariance: aggregate.meanTotalVariance,
      ...(pooled && { parameters: pooled }),
    },
    elapsedMs: value.elapsedMs,
  };
}
