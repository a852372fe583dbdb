import { compilePolicy, flattenPolicy } from '../augment/compile';
import { materialize, materializedSize, liftKeepingLazy } from '../augment/lazyFamily';
import { outcomeCount, pointMixture, type Mixture } from '../augment/mixture';
import type { PixelNoise, Step } from '../augment/step';
import type { Image } from '../image';
import { relativeL2Error } from '../montecarlo/sampler';
import type { TransformSpec } from '../policy/types';
import { addWindowSums } from './canvasSum';
import { covarianceEigen } from './covarianceEigen';
import { denseGramEigen } from './denseGramEigen';
import { productGramEigen } from './productGramEigen';
import { diagonalPlusMixtureEigen } from './diagonalEigen';
import { lawOfMixture, varianceOf, type PixelLaw } from './pixelLaw';
import { pixelMoments, type PixelMoments } from './pixelMoments';
import { sigmaPoints } from './sigmaPoints';
import { controlledDrawer } from './controlVariates';
import { flipPairedDrawer, pairedFlipIndex } from './flipPairing';
import { randomizedContinuous } from './randomizedContinuous';
import { resizedCropPrefixLaw } from './resizedCropRoute';
import type { ContinuousMoments, ContinuousOptions, ContinuousReduction } from './continuousTypes';

/**
 * Moments of a policy with continuous steps. Per-pixel mean and variance: the exact route (step.pixelLaw) where the
 * steps allow it, else the quadrature outcome set refined once. Eigenpairs: from the outcome set at `level` and at
 * `level + 1`, their difference reported; the shared outcome set for the model is the one at `level`.
 */
export async function continuousMoments(img: Image, policy: TransformSpec, opts: ContinuousOptions): Promise<ContinuousMoments> {
  const t0 = performance.now();
  const at = (level: number) => compilePolicy(policy, img, { level });
  const step = at(opts.level);
  const law = step.pixelLaw?.(lawOfMixture(pointMixture(img))) ?? null;
  if (!law) {
    const transforms = flattenPolicy(policy);
    const paired = pairedFlipIndex(transforms) >= 0;
    const crop = opts.product ? await resizedCropPrefixLaw(img, policy, opts.product) : null;
    const cropLaw = crop?.(transforms.length) ?? null;
    if (cropLaw) return randomizedContinuous(step, img, opts, { drawer: flipPairedDrawer(policy, img), paired, exact: momentsOf(cropLaw, 0), controlled: null }, t0);
    const controlled = controlledDrawer(policy, img, step.outputShape, crop);
    return randomizedContinuous(step, img, opts, { drawer: controlled?.drawer ?? flipPairedDrawer(policy, img), paired, exact: null, controlled }, t0);
  }
  const refinedStep = at(opts.level + 1);
  const mixture = step.lift(pointMixture(img));
  const pixel = momentsOf(law, outcomeCount(mixture));
  const t1 = performance.now();
  const budget = Math.min(opts.eigenOutcomes, Math.floor(opts.eigenValues / (img.channels * img.height * img.width)));
  // The refined set decides where sigma points go and their ranks; the coarse set reuses them, so the two differ by
  // the rule alone. Without eigenpairs neither is built.
  const refined = opts.topK > 0 ? eigenSet(refinedStep, img, budget, null) : null;
  const coarse = opts.topK > 0 ? eigenSet(step, img, budget, refined?.ranks ?? null) : null;
  const fits = [coarse, refined].every((e) => !e || materializedSize(e.mixture) <= opts.eigenValues);
  const coarseSet = fits && coarse ? eigenInputs(coarse) : null;
  const refinedSet = fits && refined ? eigenInputs(refined) : null;
  const eigenOf = async (e: EigenInputs | null) => {
    if (opts.topK <= 0 || !e) return null;
    if (e.diagonal) return diagonalPlusMixtureEigen(e.mixture, e.mixtureMoments, e.diagonal, opts.topK);
    if (e.mixture.families.every((f) => f.offsets.p.length === 1)) {
      return opts.product ? productGramEigen(e.mixture, opts.topK, opts.product) : denseGramEigen(e.mixture, e.moments, opts.topK);
    }
    return covarianceEigen(e.mixture, e.moments, { k: opts.topK, gramLimit: opts.eigenOutcomes });
  };
  const coarseEigen = await eigenOf(coarseSet);
  const refinedEigen = await eigenOf(refinedSet);
  // Shares of the policy's total variance (the outcome sets' own may be truncated by sigma points).
  const eigen = refinedEigen && { ...refinedEigen, explained: refinedEigen.values.map((v) => v / pixel.totalVariance) };
  const coarseMoments = coarseSet?.moments ?? null;
  const t2 = performance.now();

  const shared = coarseMoments;
  const reductions = refined?.reductions ?? [];
  const truncation = Math.max(0, ...reductions.map((r) => r.eigenvalueBound));
  return {
    mixture,
    momentsMixture: refinedSet?.mixture ?? null,
    pixel,
    eigen,
    quadrature: {
      rule: step.quadrature?.rule ?? '',
      nodes: outcomeCount(mixture),
      refinedNodes: outcomeCount(refinedStep.lift(pointMixture(img))),
      pixelMethod: 'exact',
      meanError: shared ? relativeL2Error(shared.mean, pixel.mean) : null,
      varianceError: shared ? relativeL2Error(shared.variance, pixel.variance) : null,
      eigenvalueError: coarseEigen && eigen ? maxDifference(coarseEigen.values, eigen.values) + truncation : null,
      reductions,
    },
    momentsMs: t1 - t0,
    eigenMs: t2 - t1,
  };
}

/** Per-pixel moments from a law; `outcomes` says how many outcomes stand behind them (0: an integral). */
function momentsOf(l: PixelLaw, outcomes: number): PixelMoments {
  const variance = varianceOf(l);
  return { mean: l.mean, variance, totalVariance: variance.reduce((s, v) => s + v, 0), outcomes };
}

/**
 * The outcome set for eigenpairs: the step's lift, with the input of a linear continuous step replaced by sigma points
 * when it would multiply past `budget` outcomes and every later step is affine with a known variance gain (or at the
 * steps and ranks given).
 */
function eigenSet(step: Step, img: Image, budget: number, given: Map<number, number> | null) {
  const all = step.parts ?? [step];
  const noise = all[all.length - 1].noise ?? null;
  const parts = noise ? all.slice(0, -1) : all;
  const reductions: ContinuousReduction[] = [];
  const ranks = new Map<number, number>();
  let m = pointMixture(img);
  parts.forEach((s, i) => {
    const nodes = s.quadrature?.nodes ?? 1;
    // Every later step counts, the final noise step too (clamped noise is not affine: no sigma points before it).
    const gain = all.slice(i).reduce<number | undefined>((g, t) => (g === undefined || !t.affine || t.varianceGain === undefined ? undefined : g * t.varianceGain), 1);
    const wanted = given ? given.get(i) : s.quadrature?.linear && gain !== undefined && outcomeCount(m) * nodes > budget ? Math.max(1, Math.floor(budget / (2 * nodes))) : undefined;
    if (wanted !== undefined && gain !== undefined) {
      const exact = materialize(m);
      const sigma = sigmaPoints(exact, pixelMoments(exact), wanted, 0);
      if (sigma) {
        reductions.push({
          before: s.label,
          outcomesBefore: outcomeCount(m),
          rank: sigma.rank,
          varianceBound: sigma.droppedVariance * gain,
          eigenvalueBound: sigma.nextEigenvalue * gain,
        });
        ranks.set(i, wanted);
        m = sigma.mixture;
      }
    }
    m = liftKeepingLazy(s.lift, m);
  });
  return { mixture: m, reductions, ranks, noise };
}

interface EigenInputs {
  /** The outcome set (conditional means when a noise step ends the policy), materialised. */
  readonly mixture: Mixture;
  readonly mixtureMoments: PixelMoments;
  /** E[conditional variance] of a final noise step, else null. */
  readonly diagonal: Float64Array | null;
  /** Moments of the policy's output: the mixture's, plus the diagonal in the variance. */
  readonly moments: PixelMoments;
}

/**
 * Materialises an eigenpair outcome set. With a final noise step the covariance is that of the conditional means
 * plus diag(E[conditional variance]), both read off every canvas (the noise acts on each pixel alone).
 */
function eigenInputs(e: { mixture: Mixture; noise: PixelNoise | null }): EigenInputs {
  const noise = e.noise;
  if (!noise) {
    const mixture = materialize(e.mixture);
    const moments = pixelMoments(mixture);
    return { mixture, mixtureMoments: moments, diagonal: null, moments };
  }
  const shape = e.mixture.shape;
  const diagonal = new Float64Array(shape.channels * shape.height * shape.width);
  const families = e.mixture.families.map((f) => {
    const base = f.base;
    const c = noise.moments(base);
    addWindowSums(diagonal, c.e2.map((e2, i) => Math.max(e2 - c.e1[i] * c.e1[i], 0)), base.height, base.width, f.offsets, f.weight, shape);
    return { weight: f.weight, base: noise.mean(base), offsets: f.offsets };
  });
  const mixture = { shape, families };
  const mixtureMoments = pixelMoments(mixture);
  const variance = mixtureMoments.variance.map((v, i) => v + diagonal[i]);
  return {
    mixture,
    mixtureMoments,
    diagonal,
    moments: { ...mixtureMoments, variance, totalVariance: variance.reduce((a, b) => a + b, 0) },
  };
}

function maxDifference(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) d = Math.max(d, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return d;
}
