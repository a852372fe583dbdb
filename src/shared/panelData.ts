// The data the stability panel shows and edits, as it travels between the extension host and the webview, with a
// validator for each. Values that may be infinite (samples needed when E[loss] = 0) travel as null: postMessage
// serialises through JSON, which has no Infinity. Large arrays are Float32Arrays (sent as binary by VS Code).
import {
  type Fields,
  MAX_POLICY_LENGTH,
  hasOnlyKeys,
  isFields,
  isFiniteNumber,
  isFloat32Array,
  isInteger,
  isNumberList,
  isOneOf,
  isShape,
  isText,
} from './validate';
import { isImageSize } from './analysisLimits';
import { type ParametersResultView, type PooledParametersView, parseParametersResult, parsePooledParameters } from './parametersView';
import { CHANNEL_CHOICES, CHANNEL_ORDERS, PRESET_CHOICES, type ChannelChoice, type ChannelOrder, type PresetChoice } from './presets';

//#region inputs (what the user edits)

/** Preprocessing between the [0, 1] image and the model; null fields take the preset's value. */
export interface PreprocessingInput {
  preset: PresetChoice;
  channels: ChannelChoice;
  scale: number | null;
  mean: number[] | null;
  std: number[] | null;
}

/** The size images are brought to (Resize + CenterCrop) before the policy acts. */
export type ImageSizeInput =
  | { mode: 'model' }
  | { mode: 'original' }
  | { mode: 'custom'; height: number; width: number };

/** An image the host picked; the webview never names files itself. */
export interface ImageRef {
  uri: string;
  label: string;
}

export interface PanelInputs {
  images: ImageRef[];
  /** Policy A and policy B (B is used when `compare` is on). */
  policies: [string, string];
  compare: boolean;
  preprocessing: PreprocessingInput;
  imageSize: ImageSizeInput;
  /** Target class of the loss; null = the class predicted on the clean image. */
  label: number | null;
}

/** The inputs the webview may change (images are chosen through the host's picker only). */
export type EditableInputs = Omit<PanelInputs, 'images'>;

export const MAX_IMAGES = 64;
const MAX_CLASS = 1_000_000;

export function defaultInputs(policy = ''): PanelInputs {
  return {
    images: [],
    policies: [policy, ''],
    compare: false,
    preprocessing: { preset: 'auto', channels: 'auto', scale: null, mean: null, std: null },
    imageSize: { mode: 'model' },
    label: null,
  };
}

function parsePreprocessing(value: unknown): PreprocessingInput | undefined {
  if (!isFields(value) || !hasOnlyKeys(value, ['preset', 'channels', 'scale', 'mean', 'std'])) return undefined;
  const { preset, channels, scale, mean, std } = value;
  if (!isOneOf(preset, PRESET_CHOICES) || !isOneOf(channels, CHANNEL_CHOICES)) return undefined;
  if (scale !== null && !(isFiniteNumber(scale) && scale > 0)) return undefined;
  const perChannel = (v: unknown): v is number[] | null => v === null || (isNumberList(v, 4) && v.length >= 1);
  if (!perChannel(mean) || !perChannel(std)) return undefined;
  if (std?.some((s) => s === 0)) return undefined;
  return { preset, channels, scale, mean: mean && [...mean], std: std && [...std] };
}

function parseImageSize(value: unknown): ImageSizeInput | undefined {
  if (!isFields(value)) return undefined;
  if ((value.mode === 'model' || value.mode === 'original') && hasOnlyKeys(value, ['mode'])) return { mode: value.mode };
  if (value.mode === 'custom' && hasOnlyKeys(value, ['mode', 'height', 'width'])) {
    const { height, width } = value;
    if (isImageSize(height, width)) return { mode: 'custom', height: height as number, width: width as number };
  }
  return undefined;
}

/** The editable part of the inputs, from an untrusted source (the webview). */
export function parseEditableInputs(value: unknown): EditableInputs | undefined {
  if (!isFields(value) || !hasOnlyKeys(value, ['policies', 'compare', 'preprocessing', 'imageSize', 'label'])) return undefined;
  const { policies, compare, label } = value;
  if (!Array.isArray(policies) || policies.length !== 2 || !policies.every((p) => isText(p, MAX_POLICY_LENGTH))) return undefined;
  if (typeof compare !== 'boolean') return undefined;
  if (label !== null && !isInteger(label, 0, MAX_CLASS)) return undefined;
  const preprocessing = parsePreprocessing(value.preprocessing);
  const imageSize = parseImageSize(value.imageSize);
  if (!preprocessing || !imageSize) return undefined;
  return { policies: [policies[0], policies[1]], compare, preprocessing, imageSize, label };
}

function parseImageRef(value: unknown): ImageRef | undefined {
  if (!isFields(value) || !hasOnlyKeys(value, ['uri', 'label']) || !isText(value.uri) || !isText(value.label)) return undefined;
  return { uri: value.uri, label: value.label };
}

/** All inputs (as the host sends them, or as saved). Image URIs still need the host's workspace check. */
export function parseInputs(value: unknown): PanelInputs | undefined {
  if (!isFields(value)) return undefined;
  const { images, ...rest } = value;
  const editable = parseEditableInputs(rest);
  if (!editable || !Array.isArray(images) || images.length > MAX_IMAGES) return undefined;
  const refs = images.map(parseImageRef);
  if (refs.some((r) => r === undefined)) return undefined;
  return { ...editable, images: refs as ImageRef[] };
}

//#endregion

//#region model summary

export interface PreprocessingValues {
  channels: ChannelOrder;
  scale: number;
  mean: number[];
  std: number[];
}

export interface ModelSummaryView {
  input: { name: string; dtype: string; shape: (number | string)[] };
  output: { name: string; shape: (number | string)[] };
  layout: string;
  outputKind: string;
  outputKindReason: string;
  opset: number;
  irVersion: number;
  producer: string;
  dynamicBatch: boolean;
  /** [height, width] the graph fixes, or null. */
  inputSize: [number, number] | null;
  channels: number;
  /** The engine's preprocessing guess. */
  guess: PreprocessingValues & { preset: string; reason: string };
  /** The values of every named preset, so the webview can show what a choice means. */
  presets: Record<string, PreprocessingValues>;
}

const isDims = (v: unknown): v is (number | string)[] =>
  Array.isArray(v) && v.length <= 8 && v.every((d) => isFiniteNumber(d) || isText(d, 256));

function parseTensor(value: unknown): { name: string; shape: (number | string)[] } | undefined {
  if (!isFields(value) || !isText(value.name) || !isDims(value.shape)) return undefined;
  return { name: value.name, shape: value.shape };
}

function parseValues(value: unknown): PreprocessingValues | undefined {
  if (!isFields(value)) return undefined;
  const { channels, scale, mean, std } = value;
  if (!isOneOf(channels, CHANNEL_ORDERS) || !isFiniteNumber(scale)) return undefined;
  if (!isNumberList(mean, 4) || !isNumberList(std, 4)) return undefined;
  return { channels, scale, mean, std };
}

export function parseModelSummary(value: unknown): ModelSummaryView | undefined {
  if (!isFields(value)) return undefined;
  const input = parseTensor(value.input);
  const output = parseTensor(value.output);
  const guessValues = parseValues(value.guess);
  const guess = value.guess as Fields;
  if (!input || !output || !guessValues || !isText(guess.preset) || !isText(guess.reason)) return undefined;
  if (!isFields(value.input) || !isText((value.input as Fields).dtype)) return undefined;
  const texts = [value.layout, value.outputKind, value.outputKindReason, value.producer];
  if (!texts.every((t) => isText(t)) || !isFiniteNumber(value.opset) || !isFiniteNumber(value.irVersion)) return undefined;
  if (typeof value.dynamicBatch !== 'boolean' || !isInteger(value.channels, 1, 4)) return undefined;
  const size = value.inputSize;
  if (size !== null && !(Array.isArray(size) && size.length === 2 && size.every((s) => isInteger(s, 1, 1 << 16)))) return undefined;
  if (!isFields(value.presets)) return undefined;
  const presets: Record<string, PreprocessingValues> = {};
  for (const [name, v] of Object.entries(value.presets)) {
    const parsed = parseValues(v);
    if (!parsed || !isText(name, 64)) return undefined;
    presets[name] = parsed;
  }
  return {
    input: { ...input, dtype: (value.input as Fields).dtype as string },
    output,
    layout: value.layout as string,
    outputKind: value.outputKind as string,
    outputKindReason: value.outputKindReason as string,
    opset: value.opset,
    irVersion: value.irVersion,
    producer: value.producer as string,
    dynamicBatch: value.dynamicBatch,
    inputSize: size === null ? null : [size[0], size[1]],
    channels: value.channels,
    guess: { ...guessValues, preset: guess.preset, reason: guess.reason },
    presets,
  };
}

//#endregion

//#region results

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

//#endregion
