import { compilePolicy, flattenPolicy } from '../augment/compile';
import { outcomeCount, pointMixture, type Mixture, type Shape } from '../augment/mixture';
import type { Step } from '../augment/step';
import type { Image } from '../image';
import type { MatrixProduct } from '../linalg/matrixProduct';
import type { TransformSpec } from '../policy/types';
import { covarianceEigen, DEFAULT_GRAM_LIMIT, matrixFreeCost, type CovarianceEigen } from './covarianceEigen';
import { outcomeGramCost } from './gram';
import { sigmaPoints } from './sigmaPoints';
import { continuousMoments } from './continuousMoments';
import type { ContinuousOptions, QuadratureReport } from './continuousTypes';
import { DEFAULT_ENUMERATION_BUDGET, heldPastBudget, passesBudget, pixelMomentsCost, type EnumerationBudget } from './enumerationBudget';
import { flipPairedDrawer, pairedFlipIndex } from './flipPairing';
import { randomizedContinuous } from './randomizedContinuous';
import { pixelMoments, type PixelMoments } from './pixelMoments';
import { samplesForMeanImage } from './sampleSize';
import { DEFAULT_MAX_DRAWS } from './defaultMaxDraws';
import { FIRST_POINTS, REPLICATES } from './randomizedMoments';

export interface ImageMomentsOptions {
  /** Number of covariance eigenpairs; 0 skips them. */
  readonly topK: number;
  /** Relative L2 tolerance for the samples-needed figure of the mean image. */
  readonly tolerance: number;
  readonly gramLimit?: number;
  /** Policies with continuous parameters: level of the shared outcome set (default 0; refined once for errors). */
  readonly quadratureLevel?: number;
  /** Without an exact per-pixel route: most draws of the randomized lattice rule (default DEFAULT_MAX_DRAWS). */
  readonly maxDraws?: number;
  readonly seed?: number;
  readonly onProgress?: (fraction: number, message: string) => void;
  /** Exact policies: limits of the exact outcome set (default DEFAULT_ENUMERATION_BUDGET). */
  readonly enumerationBudget?: EnumerationBudget;
  /** Exact policies: most multiply-adds for exact eigenpairs, Gram or matrix-free (default 4e10). */
  readonly eigenBudget?: number;
  /** Matrix products for dense Gram matrices and RandomResizedCrop's exact moments (default: plain TypeScript). */
  readonly product?: MatrixProduct;
}

/** Sigma-point reductions made between steps to keep a composition's outcome set small (docs/math.md, section 2). */
export interface Reduction {
  /** The step whose input was reduced. */
  readonly before: string;
  readonly outcomesBefore: number;
  readonly rank: number;
  /** Bound on tr Cov[T(x)] lost: the dropped variance times the variance gain of the steps after the reduction. */
  readonly varianceBound: number;
}

/**
 * Most outcomes replaced by sigma points: finding them is a dense eigen-decomposition of up to half the outcomes,
 * O(n^3) (a few seconds at 1,000, hours at 6,000); larger sets go to the matrix-free eigenpairs and their budget.
 */
const SIGMA_POINT_INPUTS = 1000;

/** Share of the variance a reduction may drop. */
const REDUCTION_TOLERANCE = 1e-9;

export interface ImageMoments {
  readonly step: Step;
  /** The exact outcome set (what the model sees). */
  readonly mixture: Mixture;
  /**
   * The outcome set the image moments were computed from: the exact one unless reductions were made (with continuous
   * parameters: the refined eigenpair set when it fits in memory, else the shared set).
   */
  readonly momentsMixture: Mixture;
  readonly reductions: readonly Reduction[];
  readonly shape: Shape;
  readonly outcomes: number;
  readonly pixel: PixelMoments;
  readonly eigen: CovarianceEigen | null;
  /** Monte-Carlo draws for relative L2 error `tolerance` of the mean image. */
  readonly samplesForMean: number;
  /** For policies with continuous parameters: the rules and their error estimates; null otherwise. */
  readonly quadrature: QuadratureReport | null;
  readonly timings: { readonly momentsMs: number; readonly eigenMs: number };
}

/**
 * The exact moments of T(x) for one image under a policy. An exact policy whose outcome set would pass the enumeration
 * budget, or whose eigenpairs would cost more than the eigen budget, is handed to the randomized lattice rule (all
 * moments, or the eigenpairs alone beside the exact per-pixel moments), the report saying why.
 */
export async function imageMoments(img: Image, policy: TransformSpec, opts: ImageMomentsOptions): Promise<ImageMoments> {
  const t0 = performance.now();
  const step = compilePolicy(policy, img, { level: opts.quadratureLevel ?? 0 });
  if (step.quadrature) return withContinuous(img, policy, step, opts);
  const gramLimit = opts.gramLimit ?? DEFAULT_GRAM_LIMIT;
  const progress = opts.onProgress ?? (() => undefined);
  const lifted = liftWithReductions(step, pointMixture(img), opts.topK > 0 ? gramLimit : Infinity, opts.enumerationBudget ?? DEFAULT_ENUMERATION_BUDGET, (f, message) => progress(0.3 * f, message));
  if ('stopped' in lifted) return randomized(img, policy, step, opts, lifted.stopped, null, t0);
  const { exact: mixture, reduced, reductions } = lifted;
  const pixelCost = pixelMomentsCost(reduced);
  if (pixelCost > EXACT_PIXEL_OPERATIONS) {
    const why = `exact per-pixel moments of ${outcomeCount(reduced).toLocaleString('en-US')} outcomes would take about ${pixelCost.toExponential(1)} multiply-adds, past the limit of ${EXACT_PIXEL_OPERATIONS.toExponential(1)}`;
    return randomized(img, policy, step, opts, why, null, t0);
  }
  progress(0.3, `per-pixel moments of ${outcomeCount(reduced).toLocaleString('en-US')} outcomes`);
  const pixel = pixelMoments(reduced);
  const t1 = performance.now();
  // The Gram route where it is allowed and cheaper, else matrix-free; past the eigen budget, drawn eigenpairs.
  const n = outcomeCount(reduced);
  const gramCost = n <= gramLimit ? outcomeGramCost(reduced) + n * n * opts.topK * 20 : Infinity;
  const freeCost = opts.topK > 0 && gramCost > (opts.eigenBudget ?? EXACT_EIGEN_OPERATIONS) / 10 ? matrixFreeCost(reduced, pixel, opts.topK) : Infinity;
  const cost = Math.min(gramCost, freeCost);
  const limit = opts.eigenBudget ?? EXACT_EIGEN_OPERATIONS;
  if (opts.topK > 0 && cost > limit) {
    const why = `exact eigenpairs of ${n.toLocaleString('en-US')} outcomes would take about ${cost.toExponential(1)} multiply-adds, past the limit of ${limit.toExponential(1)}`;
    return randomized(img, policy, step, opts, why, { mixture, pixel, reductions }, t0);
  }
  const route = { k: opts.topK, gramLimit: freeCost < gramCost ? 0 : gramLimit, onProgress: (f: number, message: string) => progress(0.35 + 0.65 * f, message) };
  const eigen = opts.topK > 0 ? covarianceEigen(reduced, pixel, route) : null;
  const t2 = performance.now();
  return {
    step,
    mixture,
    momentsMixture: reduced,
    reductions,
    shape: step.outputShape,
    outcomes: outcomeCount(mixture),
    pixel,
    eigen,
    samplesForMean: samplesForMeanImage(pixel.totalVariance, pixel.mean, opts.tolerance),
    quadrature: null,
    timings: { momentsMs: t1 - t0, eigenMs: t2 - t1 },
  };
}

/** Multiply-adds the exact eigenpairs of an exact outcome set may take (about 20 s of plain TypeScript). */
const EXACT_EIGEN_OPERATIONS = 4e10;
/** The same for its per-pixel moments. */
const EXACT_PIXEL_OPERATIONS = 4e10;

/**
 * An exact policy past a budget: the randomized lattice rule with the policy's own sampler (the flip integrated
 * exactly where it can be). With `exact`, the per-pixel moments stay exact and only the eigenpairs are drawn; the
 * exact outcome set stays the model's. The rule in the report starts with the reason.
 */
async function randomized(
  img: Image,
  policy: TransformSpec,
  step: Step,
  opts: ImageMomentsOptions,
  reason: string,
  exact: { mixture: Mixture; pixel: PixelMoments; reductions: Reduction[] } | null,
  started: number,
): Promise<ImageMoments> {
  opts.onProgress?.(exact ? 0.35 : 0, reason);
  const sampling = { drawer: flipPairedDrawer(policy, img), paired: pairedFlipIndex(flattenPolicy(policy)) >= 0, exact: exact?.pixel ?? null, controlled: null };
  const c = await randomizedContinuous(step, img, continuousOptions(img, opts), sampling, started);
  const { reductions: _, ...quadrature } = c.quadrature;
  return {
    step,
    mixture: exact?.mixture ?? c.mixture,
    momentsMixture: c.momentsMixture ?? c.mixture,
    reductions: exact?.reductions ?? [],
    shape: step.outputShape,
    outcomes: outcomeCount(exact?.mixture ?? c.mixture),
    pixel: c.pixel,
    eigen: c.eigen,
    samplesForMean: samplesForMeanImage(c.pixel.totalVariance, c.pixel.mean, opts.tolerance),
    quadrature: { ...quadrature, rule: `${reason}; ${quadrature.rule}` },
    timings: { momentsMs: c.momentsMs, eigenMs: c.eigenMs },
  };
}

/**
 * Eigenpair outcome sets of continuous policies hold at most this many values in memory, and their dense Gram matrix
 * (n^2 D / 2 multiply-adds, n^3 for its eigen-decomposition) stays within about this many operations.
 */
const CONTINUOUS_EIGEN_VALUES = 1e8;
const CONTINUOUS_EIGEN_OPERATIONS = 4e9;
/** The same with a matrix product that is not plain TypeScript (onnxruntime's MatMul: about 100x faster). */
const PRODUCT_EIGEN_OPERATIONS = 4e11;
const CONTINUOUS_EIGEN_MAX_OUTCOMES = 600;

function continuousOptions(img: Image, opts: ImageMomentsOptions): ContinuousOptions {
  return {
    topK: opts.topK,
    level: opts.quadratureLevel ?? 0,
    randomized: { tolerance: opts.tolerance, replicates: REPLICATES, firstPoints: FIRST_POINTS, maxDraws: opts.maxDraws ?? DEFAULT_MAX_DRAWS, seed: opts.seed ?? 0 },
    onProgress: opts.onProgress,
    product: opts.product,
    eigenOutcomes: Math.min(CONTINUOUS_EIGEN_MAX_OUTCOMES, Math.floor(Math.sqrt((2 * (opts.product ? PRODUCT_EIGEN_OPERATIONS : CONTINUOUS_EIGEN_OPERATIONS)) / (img.channels * img.height * img.width)))),
    eigenValues: CONTINUOUS_EIGEN_VALUES,
  };
}

async function withContinuous(img: Image, policy: TransformSpec, step: Step, opts: ImageMomentsOptions): Promise<ImageMoments> {
  const c = await continuousMoments(img, policy, continuousOptions(img, opts));
  const { reductions, ...quadrature } = c.quadrature;
  return {
    step,
    mixture: c.mixture,
    momentsMixture: c.momentsMixture ?? c.mixture,
    reductions,
    shape: step.outputShape,
    outcomes: outcomeCount(c.mixture),
    pixel: c.pixel,
    eigen: c.eigen,
    samplesForMean: samplesForMeanImage(c.pixel.totalVariance, c.pixel.mean, opts.tolerance),
    quadrature,
    timings: { momentsMs: c.momentsMs, eigenMs: c.eigenMs },
  };
}

/**
 * Lifts the steps of a Compose one by one, or stops (saying why) before a step that could pass the enumeration budget.
 * When a step would multiply the outcomes past the Gram limit, its input is first replaced by sigma points (only if
 * every later step is affine with a known variance gain, so the truncation has a bound, and the input is small enough). The exact outcome set is
 * kept beside it for the model.
 */
function liftWithReductions(
  step: Step,
  start: Mixture,
  gramLimit: number,
  budget: EnumerationBudget,
  progress: (fraction: number, message: string) => void,
): { stopped: string } | { exact: Mixture; reduced: Mixture; reductions: Reduction[] } {
  const steps = step.parts ?? [step];
  let exact = start;
  let reduced = start;
  const reductions: Reduction[] = [];
  for (const [i, s] of steps.entries()) {
    const over = passesBudget(s, exact, budget);
    if (over) return { stopped: `exact enumeration stopped before step ${i + 1}: ${over}` };
    const shared = reduced === exact;
    exact = s.lift(exact);
    const held = heldPastBudget(s.label, exact, budget);
    if (held) return { stopped: `exact enumeration stopped at step ${i + 1}: ${held}` };
    let next = shared ? exact : s.lift(reduced);
    const later = steps.slice(i);
    const gain = later.reduce<number | undefined>((g, t) => (g === undefined || t.varianceGain === undefined || !t.affine ? undefined : g * t.varianceGain), 1);
    if (outcomeCount(next) > gramLimit && gain !== undefined && outcomeCount(reduced) <= SIGMA_POINT_INPUTS) {
      const sigma = sigmaPoints(reduced, pixelMoments(reduced), Math.floor(gramLimit / 2), REDUCTION_TOLERANCE);
      if (sigma) {
        reductions.push({ before: s.label, outcomesBefore: outcomeCount(reduced), rank: sigma.rank, varianceBound: sigma.droppedVariance * gain });
        next = s.lift(sigma.mixture);
      }
    }
    reduced = next;
    progress((i + 1) / steps.length, `exact outcomes: ${outcomeCount(exact).toLocaleString('en-US')} after ${s.label}`);
  }
  return { exact, reduced, reductions };
}
