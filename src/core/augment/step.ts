import type { Image } from '../image';
import type { Rng } from '../rng';
import type { Mixture, Shape, WeightedImage } from './mixture';

/** One transform of a policy, bound to the shape of the image it receives. */
export interface Step {
  /** torchvision spelling, for messages. */
  readonly label: string;
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  /** Whether the step is affine in the image for a fixed draw of its parameters (math notes, section 2). */
  readonly affine: boolean;
  /** Draws the parameters as torchvision does and applies them. */
  sample(img: Image, rng: Rng): Image;
  /** The exact outcome list for one input image, by plain enumeration of the parameters (the brute-force oracle). */
  enumerate(img: Image): WeightedImage[];
  /** The step applied to an exact outcome set, keeping its compact form where possible. */
  lift(m: Mixture): Mixture;
}
