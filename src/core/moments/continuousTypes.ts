import type { Mixture } from '../augment/mixture';
import type { MatrixProduct } from '../linalg/matrixProduct';
import type { CovarianceEigen } from './covarianceEigen';
import type { PixelMoments } from './pixelMoments';
import type { RandomizedOptions } from './randomizedMoments';

/** How the moments of a policy with continuous parameters were integrated, and the error estimates. */
export interface QuadratureReport {
  /** The rule of every continuous step. */
  readonly rule: string;
  /** Outcomes of the outcome set the eigenpairs (and, without exact pixels, the moments) come from. */
  readonly nodes: number;
  /** Outcomes of the same rule refined once (exact pixels), or every draw of the randomized rule. */
  readonly refinedNodes: number;
  /** 'exact': per-pixel moments integrated piecewise; 'randomized': randomized lattice rule (see `randomized`). */
  readonly pixelMethod: 'exact' | 'randomized';
  /**
   * Relative L2 errors of the mean and variance maps: with exact pixels, of the eigenpair outcome set against them;
   * randomized, the estimated root-mean-square error of the reported maps (from the replicates' spread).
   */
  readonly meanError: number | null;
  readonly varianceError: number | null;
  /**
   * Exact pixels: max_i |lambda_i(rule) - lambda_i(refined)| plus the sigma-point truncation bound; randomized: the
   * estimated standard error of the eigenvalues (half the largest difference between two independent halves of the
   * draws). Null without eigenpairs.
   */
  readonly eigenvalueError: number | null;
  /** The randomized rule: replicates, draws, and whether the requested tolerance was met. */
  readonly randomized?: {
    readonly replicates: number;
    readonly draws: number;
    readonly tolerance: number;
    readonly toleranceMet: boolean;
  };
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
  /** Largest outcome count of an eigenpair outcome set; past it, sigma points before linear continuous steps (or, for
   * a set of window families, the Gram limit). */
  readonly eigenOutcomes: number;
  /** Largest number of values an eigenpair outcome set may hold in memory. */
  readonly eigenValues: number;
  /** Without an exact per-pixel route: the randomized rule's tolerance, replicates, first points and draw limit. */
  readonly randomized: Omit<RandomizedOptions, 'onProgress'>;
  readonly onProgress?: (fraction: number, message: string) => void;
  /** Matrix products for dense Gram matrices and RandomResizedCrop's exact moments (default: plain TypeScript). */
  readonly product?: MatrixProduct;
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
