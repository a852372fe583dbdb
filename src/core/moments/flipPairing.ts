import { compilePolicy } from '../augment/compile';
import { flipHorizontal, flipVertical } from '../augment/geometry';
import type { Shape, WeightedImage } from '../augment/mixture';
import type { Image } from '../image';
import type { TransformSpec } from '../policy/types';
import type { Rng } from '../rng';

/**
 * Draws of a policy: a few weighted images per point of the parameter space, their weights summing to 1, each with
 * the image before the policy's last steps when those serve as control variates.
 */
export type Drawer = (img: Image, rng: Rng) => (WeightedImage & { readonly control?: Image })[];

/**
 * Steps that commute with a mirror image for every draw of their parameters: per-value maps, maps of global
 * statistics that a mirror leaves unchanged (ColorJitter's grayscale mean), and symmetric filters (GaussianBlur's
 * kernel and reflect padding).
 */
function commutesWithMirror(s: TransformSpec): boolean {
  switch (s.kind) {
    case 'ColorJitter':
    case 'RandomGrayscale':
    case 'Normalize':
    case 'GaussianBlur':
      return true;
    case 'Compose':
    case 'RandomApply':
      return s.transforms.every(commutesWithMirror);
    default:
      return false;
  }
}

/**
 * The flip integrated exactly: when a RandomHorizontalFlip (or RandomVerticalFlip) is followed only by steps that commute
 * with it, a draw of the other parameters gives both flip outcomes at once, y with weight 1 - p and its mirror with
 * weight p (conditional expectation over the flip: the same mean, never a larger variance). Null when no flip qualifies.
 */
export function flipPairedDrawer(policy: TransformSpec, input: Shape, withControls = false): Drawer | null {
  const transforms = flattenPolicy(policy);
  const at = pairedFlipIndex(transforms);
  if (at < 0) return null;
  const flip = transforms[at] as Extract<TransformSpec, { kind: 'RandomHorizontalFlip' | 'RandomVerticalFlip' }>;
  const before = compilePolicy(composeOf(transforms.slice(0, at)), input);
  const after = compilePolicy(composeOf(transforms.slice(at + 1)), before.outputShape);
  const mirror = flip.kind === 'RandomHorizontalFlip' ? flipHorizontal : flipVertical;
  return (img, rng) => {
    const z = before.sample(img, rng);
    const y = after.sample(z, rng);
    return [
      { weight: 1 - flip.p, image: y, control: withControls ? z : undefined },
      { weight: flip.p, image: mirror(y), control: withControls ? mirror(z) : undefined },
    ];
  };
}

/** The last flip followed only by mirror-commuting steps, or -1. */
export function pairedFlipIndex(transforms: readonly TransformSpec[]): number {
  let at = -1;
  transforms.forEach((s, i) => {
    if ((s.kind === 'RandomHorizontalFlip' || s.kind === 'RandomVerticalFlip') && transforms.slice(i + 1).every(commutesWithMirror)) at = i;
  });
  return at;
}

export function flattenPolicy(s: TransformSpec): TransformSpec[] {
  return s.kind === 'Compose' ? s.transforms.flatMap(flattenPolicy) : [s];
}

export function composeOf(transforms: readonly TransformSpec[]): TransformSpec {
  return { kind: 'Compose', transforms };
}
