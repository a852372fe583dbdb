import type { Image } from '../image';
import type { Rng } from '../rng';
import type { PixelLaw } from '../moments/pixelLaw';
import type { Mixture, Shape, WeightedImage } from './mixture';

/** One transform of a policy, bound to the shape of the image it receives. */
export interface Step {
  /** torchvision spelling, for messages. */
  readonly label: string;
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  /** Whether the step is affine in the image for a fixed draw of its parameters (docs/math.md, section 2). */
  readonly affine: boolean;
  /**
   * For affine steps, an upper bound of E||L||^2 over the draws (L the linear part): a covariance error of trace t
   * before the step is at most t times this after it. Undefined when not known.
   */
  readonly varianceGain?: number;
  /** The steps of a Compose, in order. */
  readonly parts?: readonly Step[];
  /** Draws the parameters as torchvision does and applies them. */
  sample(img: Image, rng: Rng): Image;
  /** The exact outcome list for one input image, by plain enumeration of the parameters (the brute-force oracle). */
  enumerate(img: Image): WeightedImage[];
  /** The step applied to an exact outcome set, keeping its compact form where possible. */
  lift(m: Mixture): Mixture;
  /**
   * Present on steps whose parameters are continuous or too many to enumerate: `enumerate` and `lift` then
   * use a quadrature rule at the compile level instead of the exact law.
   */
  readonly quadrature?: StepQuadrature;
  /**
   * The exact per-pixel law of the output from that of the input, or null when this step has no exact per-pixel
   * route from what the input law holds. Absent on steps whose exact lift gives it (finite outcome sets).
   */
  pixelLaw?(input: PixelLaw): PixelLaw | null;
  /**
   * Independent per-pixel noise (GaussianNoise): given the input, the output's conditional mean image and its
   * conditional variance per value, so Cov[out] = Cov[conditional mean] + diag(E[conditional variance]).
   */
  readonly noise?: PixelNoise;
}

export interface PixelNoise {
  /** E[out | input], rounded to float32 like an outcome image. */
  mean(img: Image): Image;
  /** E[out | input] and E[out^2 | input] per value, in float64. */
  moments(img: Image): { e1: Float64Array; e2: Float64Array };
}

export interface StepQuadrature {
  /** The rule, in words, e.g. "composite Gauss-Legendre, 4 panels x 2 points". */
  readonly rule: string;
  /** Quadrature nodes per input outcome. */
  readonly nodes: number;
  /** Whether every draw is linear in the image (warps with fixed interpolation, blur): sigma points may stand in for the input. */
  readonly linear: boolean;
  /** Whether pixelLaw can give exact per-pixel moments (for some input laws). */
  readonly exactPixels: boolean;
}
