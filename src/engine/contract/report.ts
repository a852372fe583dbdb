import type { TaylorValidity } from '../../core/alignment/index';
import type { QuadratureReport } from '../../core/moments/continuousTypes';
import type { ParametersReport, PooledParametersReport, SkippedParameters } from './parameterReport';

/** report.json: versioned so that readers can check what they parse. Bump on any breaking change. */
export const REPORT_SCHEMA_VERSION = 7;

export interface ImageMomentsReport {
  /** Shape of the augmented image, [C, H, W]. */
  readonly shape: readonly [number, number, number];
  readonly outcomes: number;
  readonly totalVariance: number;
  readonly meanNorm: number;
  readonly eigenvalues: readonly number[];
  readonly explainedVariance: readonly number[];
  readonly eigenMethod: string | null;
  readonly eigenResidual: number | null;
  /** Monte-Carlo draws for relative L2 error `tolerance` of the mean image. */
  readonly samplesForMeanImage: number;
  /** Sigma-point reductions made inside the composition, each with its bound on the variance lost. */
  readonly reductions: readonly { readonly before: string; readonly outcomesBefore: number; readonly rank: number; readonly varianceBound: number }[];
  /**
   * Policies with continuous parameters (null otherwise): the quadrature rules, the shared outcome set's node count
   * (what the model evaluates) and the refined rule's, whether per-pixel moments are exact, and the error estimates
   * (relative L2 for the mean and variance maps, absolute for eigenvalues) from refining once; with exact per-pixel
   * moments, the map errors are those of the shared outcome set (null when not computed).
   */
  readonly quadrature?: QuadratureReport | null;
}

/** A model's numbers on one quadrature outcome set. */
export interface QuadratureLevel {
  readonly nodes: number;
  readonly expectedLoss: number;
  readonly stdLoss: number;
  readonly flipRate: number;
  /** Half-widths of the confidence intervals at this level (randomized rule). */
  readonly halfWidths?: { readonly expectedLoss: number; readonly stdLoss: number; readonly flipRate: number };
}

export interface ModelQuadrature {
  /** The numbers after each doubling of the points (nodes: the rule's lattice passes so far). */
  readonly levels: readonly QuadratureLevel[];
  /** Half-widths of the `confidence` intervals of the reported numbers (Student-t over the replicates). */
  readonly error: { readonly expectedLoss: number; readonly stdLoss: number; readonly flipRate: number } | null;
  readonly replicates: number;
  readonly confidence: number;
  /** Whether every half-width is within the tolerance (relative for E[loss] and Std[loss], absolute for the flip rate). */
  readonly toleranceMet: boolean;
  /**
   * The control variate of exact mean the rule's averages were corrected by (the loss at the draw's outcome of the
   * policy's enumerable prefix, or its quadratic in the next step's parameter through three nodes): what its passes
   * evaluated, in words, and how many passes that took (beside the levels' nodes). Null when the rule ran without one.
   */
  readonly control: { readonly label: string; readonly outcomes: number } | null;
}

export interface ConvergenceSeries {
  readonly samples: number[];
  readonly estimate: number[];
  readonly lower: number[];
  readonly upper: number[];
}

export interface ModelMomentsReport {
  /** 'exact': every outcome; 'quadrature': continuous parameters, see `quadrature`; 'stratified': sampled. */
  readonly method: 'exact' | 'quadrature' | 'stratified';
  /** Why the method was chosen, in words. */
  readonly methodNote: string;
  /**
   * Policies with continuous parameters: E[loss], Std[loss] and the flip rate after each doubling of the randomized
   * lattice rule's points (it stops on E[loss]), with the confidence-interval half-widths of the reported (last) values. Null otherwise.
   */
  readonly quadrature: ModelQuadrature | null;
  /** [height, width] of the tensors the model ran on (a free-size model: the policy's output size). */
  readonly inputSize: readonly [number, number];
  /**
   * Every forward pass run for this image, counted where the runner feeds onnxruntime, plus the gradient graph's
   * evaluations (forward and backward); `passes` splits them by stage.
   */
  readonly forwardPasses: number;
  readonly passes: { readonly clean: number; readonly exactPath: number; readonly saliency: number; readonly monteCarlo: number };
  readonly clean: { readonly top1: number; readonly target: number; readonly probability: number; readonly loss: number };
  readonly expectedLoss: number;
  /** Confidence interval of E[loss] when it is estimated (stratified), else null. */
  readonly expectedLossInterval: readonly [number, number] | null;
  readonly stdLoss: number;
  readonly flipRate: number;
  readonly flipRateInterval: readonly [number, number] | null;
  readonly expectedKL: number;
  readonly topClasses: readonly { readonly index: number; readonly expectedProbability: number; readonly std: number }[];
  /** Why these numbers say nothing about stability (e.g. a single-output model); empty when nothing is known to. */
  readonly warnings?: readonly string[];
  readonly samplesNeeded: { readonly loss: number; readonly flipRate: number };
  /** The paper's analytic route: the loss Taylor-expanded at the mean image mu along the top-k eigenvectors. */
  readonly analytic: {
    /** L(mu): the zeroth-order E[loss]. */
    readonly lossAtMean: number;
    /** L(mu) + 1/2 sum_k lambda_k v_k^T H v_k: the second-order E[loss]. */
    readonly secondOrderExpectedLoss: number;
    /** sum_k lambda_k (g . v_k)^2 over the top-k eigenvectors: first-order Var[loss]. */
    readonly firstOrderVariance: number;
    readonly firstOrderStd: number;
    readonly directionalDerivatives: readonly number[];
    readonly curvatures: readonly number[];
    /** 'gradient graph' or the finite-difference fallback's label. */
    readonly method: string;
    readonly step: number;
    /** Whether the expansion holds here: its gaps to the computed E[loss] and Std[loss], and why not. */
    readonly validity: TaylorValidity;
  } | null;
  readonly saliency: SaliencyReport | SkippedSaliency;
  /**
   * source 'evaluated outcomes': drawn by weight from the outcomes the exact path or the randomized rule already ran
   * (no forward pass); 'model': augmentations sampled and run through the model.
   */
  readonly monteCarlo: ConvergenceSeries & { readonly exact: number; readonly draws: number; readonly source: 'evaluated outcomes' | 'model' };
  /** Gradient noise on the model's parameters under the policy (`--parameters` only). */
  readonly parameters?: ParametersReport | SkippedParameters;
}

/** How the saliency was asked for: `--gradient`. */
export type GradientMode = 'auto' | 'graph' | 'fd' | 'none';

/** The saliency block when no saliency was computed, saying why. */
export interface SkippedSaliency {
  readonly method: 'none';
  readonly requested: GradientMode;
  readonly skipped: string;
}

/** Where the saliency g = dLoss/dImage (at the mean image) sits in the augmentation covariance. */
export interface SaliencyReport {
  /** 'graph' (reverse mode through the ONNX graph) or the finite-difference label. */
  readonly method: string;
  readonly requested: GradientMode;
  /** Why finite differences stand in for the gradient graph under 'auto', or null. */
  readonly fallbackReason: string | null;
  /** Images evaluated: forward passes for finite differences, forward + backward runs of the gradient graph. */
  readonly evaluations: number;
  readonly gradientNormClean: number;
  readonly gradientNormMean: number;
  readonly alignment: {
    /** sum_k lambda_k (v_k . g)^2 over the top-k eigenvectors. */
    readonly gCovG: number;
    /** An upper bound of the full g^T Cov g (the part outside the top-k bounded by the largest eigenvalue left). */
    readonly gCovGUpperBound: number;
    /** g^T Cov g / (lambda_max ||g||^2), in [0, 1]. */
    readonly rayleigh: number;
    readonly rayleighUpperBound: number;
    /** Share of ||g||^2 along each eigenvector, and outside their span. */
    readonly shares: readonly number[];
    readonly outsideShare: number;
    /** sqrt(g^T Cov g) against the exact Std[loss]. */
    readonly predictedStdLoss: number;
    readonly exactStdLoss: number;
  } | null;
  /** Radial power spectra (cycles per pixel) of the saliency, the variance map and each eigen-image. */
  readonly spectra: {
    readonly frequencies: readonly number[];
    readonly saliency: readonly number[];
    readonly variance: readonly number[];
    readonly eigen: readonly (readonly number[])[];
  };
  /** Share of the power above `cutoff` cycles per pixel: edges and textures against smooth structure. */
  readonly highFrequency: { readonly cutoff: number; readonly saliency: number; readonly variance: number };
}

export interface ImageReport {
  readonly path: string;
  /** [C, H, W] of the image as loaded (after --size). */
  readonly inputShape: readonly [number, number, number];
  readonly moments: ImageMomentsReport;
  readonly model: ModelMomentsReport | null;
  /** Milliseconds per stage: imageMoments (eigen within it), and with a model exactPath, saliency, monteCarlo, model (all three and the clean pass). */
  readonly timingsMs: Readonly<Record<string, number>>;
}

export interface Report {
  readonly schemaVersion: number;
  readonly tool: { readonly name: 'auglens'; readonly version: string };
  readonly createdAt: string;
  readonly policy: { readonly text: string; readonly canonical: string };
  readonly settings: {
    readonly tolerance: number;
    readonly confidence: number;
    readonly topK: number;
    readonly forwardBudget: number;
    readonly monteCarloSamples: number;
    readonly seed: number;
  };
  readonly model: {
    readonly path: string;
    readonly input: { readonly name: string; readonly dtype: string; readonly shape: readonly (number | string)[] };
    readonly output: { readonly name: string; readonly shape: readonly (number | string)[] };
    readonly layout: string;
    readonly outputKind: string;
    readonly outputKindReason: string;
    readonly opset: number;
  } | null;
  readonly preprocessing: {
    readonly name: string;
    readonly channels: string;
    readonly scale: number;
    readonly mean: readonly number[];
    readonly std: readonly number[];
    /** The size the graph fixes, or null when it leaves height or width free (each image then runs at its own size). */
    readonly inputSize: readonly [number, number] | null;
    readonly reason: string;
    /** 'given' by the user; else how much of the guess the file states: 'high' all, 'medium' part, 'low' none. */
    readonly certainty: 'given' | 'high' | 'medium' | 'low';
  } | null;
  readonly images: readonly ImageReport[];
  readonly aggregate: {
    readonly images: number;
    readonly meanExpectedLoss: number | null;
    readonly meanStdLoss: number | null;
    readonly meanFlipRate: number | null;
    readonly meanTotalVariance: number;
    /** Several images with `--parameters`: their gradients pooled, across-image and within-augmentation variance. */
    readonly parameters?: PooledParametersReport;
  };
}

/** The arrays of one image, float32, CHW (eigenvectors K x C x H x W). */
export interface ImageArrays {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  readonly eigenvectors: Float32Array;
  readonly eigenCount: number;
  readonly shape: readonly [number, number, number];
  /** The image the policy acted on, for display. */
  readonly clean: Float32Array;
  readonly cleanShape: readonly [number, number, number];
  /** dLoss/dImage at the clean image (cleanShape), when a model was analysed. */
  readonly saliency?: Float32Array;
  /** dLoss/dImage at the mean image (shape). */
  readonly saliencyMean?: Float32Array;
  /** |dLoss/dImage at the mean| * sqrt(variance) (shape): where augmentation moves the loss. */
  readonly saliencyTimesStd?: Float32Array;
}

export interface AnalysisResult {
  readonly report: Report;
  readonly arrays: readonly ImageArrays[];
}
