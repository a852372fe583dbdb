import { compilePolicy } from '../augment/compile';
import { materialize, materializedSize, liftKeepingLazy } from '../augment/lazyFamily';
import { outcomeCount, pointMixture, type Mixture } from '../augment/mixture';
import type { Step } from '../augment/step';
import type { Image } from '../image';
import type { TransformSpec } from '../policy/types';
import { covarianceEigen, type CovarianceEigen } from './covarianceEigen';
import { lawOfMixture, varianceOf } from './pixelLaw';
import { pixelMoments, type PixelMoments } from './pixelMoments';
import { sigmaPoints } from './sigmaPoints';
import { streamPixelMoments } from './streamMoments';

/** How the moments of a policy with continuous parameters were integrated, and the error estimates (issue 5). */
export interface QuadratureReport {
  /** The rule of every continuous step. */
  readonly rule: string;
  /** Outcomes of the shared outcome set (the one the model engine evaluates). */
  readonly nodes: number;
  /** Outcomes of the same rule refined once. */
  readonly refinedNodes: number;
  /** 'exact': per-pixel moments integrated piecewise; 'quadrature': from the refined rule. */
  readonly pixelMethod: 'exact' | 'quadrature';
  /**
   * Relative L2 errors of the mean and variance maps: with exact pixels, of the shared outcome set against them;
   * with quadrature, |rule - refined rule| (an estimate of the coarser rule's error, conservative for the refined one).
   */
  readonly meanError: number;
  readonly varianceError: number;
  /** max_i |lambda_i(rule) - lambda_i(refined)| plus the sigma-point truncation bound; null without eigenpairs. */
  readonly eigenvalueError: number | null;
}

export interface ContinuousReduction {
  readonly before: string;
  readonly outcomesBefore: number;
  readonly rank: number;
  /** Bound on the error of tr Cov[T(x)]: dropped variance times the gain of the steps after. */
  readonly varianceBound: number;
  /** Bound on the error of any eigenvalue: the largest dropped eigenvalue times that gain (Weyl). */
  readonly eigenvalueBound: number;
}

export interface ContinuousOptions {
  readonly topK: number;
  /** Level of the shared outcome set and of the eigenpair sets (refined: level + 1). */
  readonly level: number;
  /** Level of the per-pixel quadrature when there is no exact route (refined: level + 1). */
  readonly pixelLevel: number;
  /** Largest outcome count of an eigenpair outcome set; past it, sigma points before linear continuous steps. */
  readonly eigenOutcomes: number;
  /** Largest number of values an eigenpair outcome set may hold in memory. */
  readonly eigenValues: number;
}

export interface ContinuousMoments {
  /** The shared outcome set (lazy canvases). */
  readonly mixture: Mixture;
  /** The refined eigenpair outcome set, when it fits in memory. */
  readonly momentsMixture: Mixture | null;
  readonly pixel: PixelMoments;
  readonly eigen: CovarianceEigen | null;
  readonly quadrature: QuadratureReport & { readonly reductions: readonly ContinuousReduction[] };
  readonly momentsMs: number;
  readonly eigenMs: number;
}

/**
 * Moments of a policy with continuous steps. Per-pixel mean and variance: the exact route (step.pixelLaw) where the
 * steps allow it, else the quadrature outcome set refined once. Eigenpairs: from the outcome set at `level` and at
 * `level + 1`, their difference reported; the shared outcome set for the model is the one at `level`.
 */
export function continuousMoments(img: Image, policy: TransformSpec, opts: ContinuousOptions): ContinuousMoments {
  const t0 = performance.now();
  const at = (level: number) => compilePolicy(policy, img, { level });
  const step = at(opts.level);
  const refinedStep = at(opts.level + 1);
  const mixture = step.lift(pointMixture(img));
  const law = step.pixelLaw?.(lawOfMixture(pointMixture(img))) ?? null;
  let pixel: PixelMoments;
  let coarsePixel: PixelMoments | null = null;
  if (law) {
    const variance = varianceOf(law);
    pixel = { mean: law.mean, variance, totalVariance: variance.reduce((s, v) => s + v, 0), outcomes: outcomeCount(mixture) };
  } else {
    coarsePixel = streamPixelMoments(at(opts.pixelLevel).lift(pointMixture(img)));
    pixel = streamPixelMoments(at(opts.pixelLevel + 1).lift(pointMixture(img)));
  }
  const t1 = performance.now();
  const budget = Math.min(opts.eigenOutcomes, Math.floor(opts.eigenValues / (img.channels * img.height * img.width)));
  // The refined set decides where sigma points go and their ranks; the coarse set reuses them, so the two differ by
  // the rule alone.
  const refined = eigenSet(refinedStep, img, budget, null);
  const coarse = eigenSet(step, img, budget, refined.ranks);
  const fits = [coarse, refined].every((s) => materializedSize(s.mixture) <= opts.eigenValues);
  const coarseSet = fits ? materialize(coarse.mixture) : null;
  const refinedSet = fits ? materialize(refined.mixture) : null;
  const coarseMoments = coarseSet ? pixelMoments(coarseSet) : null;
  const refinedMoments = refinedSet ? pixelMoments(refinedSet) : null;
  const eigenOf = (m: Mixture | null, mm: PixelMoments | null) =>
    opts.topK > 0 && m && mm ? covarianceEigen(m, mm, { k: opts.topK, gramLimit: Math.min(400, opts.eigenOutcomes) }) : null;
  const coarseEigen = eigenOf(coarseSet, coarseMoments);
  const eigen = eigenOf(refinedSet, refinedMoments);
  const t2 = performance.now();

  const reference = law ? null : coarsePixel;
  const shared = reference ?? coarseMoments;
  const reductions = refined.reductions;
  const truncation = Math.max(0, ...reductions.map((r) => r.eigenvalueBound));
  return {
    mixture,
    momentsMixture: refinedSet,
    pixel,
    eigen,
    quadrature: {
      rule: step.quadrature?.rule ?? '',
      nodes: outcomeCount(mixture),
      refinedNodes: outcomeCount(refinedStep.lift(pointMixture(img))),
      pixelMethod: law ? 'exact' : 'quadrature',
      meanError: shared ? relativeL2(shared.mean, pixel.mean) : NaN,
      varianceError: shared ? relativeL2(shared.variance, pixel.variance) : NaN,
      eigenvalueError: coarseEigen && eigen ? maxDifference(coarseEigen.values, eigen.values) + truncation : null,
      reductions,
    },
    momentsMs: t1 - t0,
    eigenMs: t2 - t1,
  };
}

/**
 * The outcome set for eigenpairs: the step's lift, with the input of a linear continuous step replaced by sigma points
 * when it would multiply past `budget` outcomes and every later step is affine with a known variance gain (or at the
 * steps and ranks given).
 */
function eigenSet(step: Step, img: Image, budget: number, given: Map<number, number> | null) {
  const parts = step.parts ?? [step];
  const reductions: ContinuousReduction[] = [];
  const ranks = new Map<number, number>();
  let m = pointMixture(img);
  parts.forEach((s, i) => {
    const nodes = s.quadrature?.nodes ?? 1;
    const gain = parts.slice(i).reduce<number | undefined>((g, t) => (g === undefined || !t.affine || t.varianceGain === undefined ? undefined : g * t.varianceGain), 1);
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
  return { mixture: m, reductions, ranks };
}

function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return den === 0 ? (num === 0 ? 0 : Infinity) : Math.sqrt(num / den);
}

function maxDifference(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) d = Math.max(d, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return d;
}
