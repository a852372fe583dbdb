/** Gradient noise of one layer's parameters (or of all of them) over the policy's outcomes. */
export interface ParameterNoiseStats {
  /** Parameter values in the group. */
  readonly size: number;
  /** ||E[g]||: the expected gradient's norm. */
  readonly meanNorm: number;
  /** tr Cov[g] = E||g - E g||^2. */
  readonly traceCovariance: number;
  /** ||E g||^2 / tr Cov[g] (Infinity when the gradient does not vary). */
  readonly snr: number;
  /** Augmented samples for the averaged gradient to be within the tolerance (relative L2) of E[g]: z^2 tr Cov / (eps^2 ||E g||^2). */
  readonly samplesNeeded: number;
  /** Cosine between one outcome's gradient and E[g], over the outcome law: weighted mean, 5th and 95th percentiles. */
  readonly cosine: { readonly mean: number; readonly p5: number; readonly p95: number };
  /** cos(E[g], gradient at the clean image): how much the policy turns the training direction. */
  readonly cleanCosine: number;
}

export interface ParameterLayerReport extends ParameterNoiseStats {
  /** The node reading the parameters (its name, or its position and output). */
  readonly layer: string;
  readonly op: string;
  readonly parameters: readonly string[];
}

/** The `parameters` block of a model report (`analyze --parameters`). */
export interface ParametersReport {
  /**
   * 'exact': every outcome with its weight; 'sampled': outcomes drawn by weight (more than the budget);
   * 'quadrature': the randomized lattice rule's points. The last two carry `error`.
   */
  readonly method: 'exact' | 'sampled' | 'quadrature';
  readonly note: string;
  /** Outcomes (or points) whose gradients were summed. */
  readonly outcomes: number;
  /** Forward + backward runs: two per outcome (E[g] first, then the cosines against it) and the clean image. */
  readonly gradientRuns: number;
  /** The loss differentiated: cross-entropy against this class (the clean top-1, or --label). */
  readonly target: number;
  readonly tolerance: number;
  readonly confidence: number;
  readonly total: ParameterNoiseStats;
  readonly layers: readonly ParameterLayerReport[];
  /**
   * Sampled and quadrature sets: confidence-interval half-widths from the spread of independent replicates, relative
   * to ||E g|| (the L2 error of E[g]) and to tr Cov; null for exact.
   */
  readonly error: { readonly meanRelative: number; readonly traceRelative: number; readonly replicates: number } | null;
}

/** `--parameters` asked for but not computed, and why. */
export interface SkippedParameters {
  readonly skipped: string;
}

/** Across-image and within-augmentation parts of the pooled gradient's variance (law of total variance). */
export interface PooledNoiseStats {
  readonly size: number;
  /** ||mean over images of E_i[g]||: the gradient a batch of these images under the policy follows. */
  readonly meanNorm: number;
  /** tr Cov over images of E_i[g] (images equally likely). */
  readonly acrossImages: number;
  /** The mean over images of tr Cov_i[g] (augmentations of one image). */
  readonly withinAugmentations: number;
  /** ||pooled E g||^2 / (acrossImages + withinAugmentations): one (image, augmentation) sample's SNR. */
  readonly snr: number;
}

/**
 * The report's `aggregate.parameters` (several images with `--parameters`): a batch of B images with V augmented
 * views each averages gradients with tr Cov = acrossImages / B + withinAugmentations / (B V).
 */
export interface PooledParametersReport {
  readonly images: number;
  readonly total: PooledNoiseStats;
  readonly layers: readonly (PooledNoiseStats & { readonly layer: string; readonly op: string })[];
}
