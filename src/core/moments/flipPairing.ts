import { compilePolicy } from '../augment/compile';
import { flipHorizontal, flipVertical } from '../augment/geometry';
import type { Shape, WeightedImage } from '../augment/mixture';
import type { Image } from '../image';
import type { TransformSpec } from '../policy/types';
import type { Rng } from '../rng';

/** Draws of a policy: a few weighted images per point of the parameter space, their weights summing to 1. */
export type Drawer = (img: Image, rng: Rng) => WeightedImage[];

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
export function flipPairedDrawer(policy: TransformSpec, input: Shape): Drawer | null {
  const transforms = flatten(policy);
  let at = -1;
  transforms.forEach((s, i) => {
    if ((s.kind === 'RandomHorizontalFlip' || s.kind === 'RandomVerticalFlip') && transforms.slice(i + 1).every(commutesWithMirror)) at = i;
  });
  if (at < 0) return null;
  const flip = transforms[at] as Extract<TransformSpec, { kind: 'RandomHorizontalFlip' | 'RandomVerticalFlip' }>;
  const compose = (list: TransformSpec[]): TransformSpec => ({ kind: 'Compose', transforms: list });
  const before = compilePolicy(compose(transforms.slice(0, at)), input);
  const after = compilePolicy(compose(transforms.slice(at + 1)), before.outputShape);
  const mirror = flip.kind === 'RandomHorizontalFlip' ? flipHorizontal : flipVertical;
  return (img, rng) => {
    const y = after.sample(before.sample(img, rng), rng);
    return [
      { weight: 1 - flip.p, image: y },
      { weight: flip.p, image: mirror(y) },
    ];
  };
}

function flatten(s: TransformSpec): TransformSpec[] {
  return s.kind === 'Compose' ? s.transforms.flatMap(flatten) : [s];
}
