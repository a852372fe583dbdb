import { compilePolicy, flattenPolicy } from '../augment/compile';
import { flipHorizontal, flipVertical } from '../augment/geometry';
import type { Shape, WeightedImage } from '../augment/mixture';
import type { Image } from '../image';
import type { TransformSpec } from '../policy/types';
import type { Rng } from '../rng';

/** One draw: the augmented image, and the image before the policy's last steps when those serve as control variates. */
export interface Draw {
  readonly image: Image;
  readonly control?: Image;
}

/**
 * How a policy is drawn at a point of the parameter space. With `mirror`, the flip is integrated exactly: each draw
 * stands for itself with weight 1 - p and its mirror image with weight p. Since every accumulated quantity is per
 * value, the mirror is applied once to the accumulated sums rather than to every draw.
 */
export interface Drawer {
  readonly draw: (img: Image, rng: Rng) => Draw;
  readonly mirror?: Mirror;
}

export interface Mirror {
  readonly p: number;
  readonly horizontal: boolean;
}

/** The weighted outcomes one draw stands for. */
export function outcomesOf(d: Draw, mirror: Mirror | undefined): WeightedImage[] {
  if (!mirror) return [{ weight: 1, image: d.image }];
  const flip = mirror.horizontal ? flipHorizontal : flipVertical;
  return [
    { weight: 1 - mirror.p, image: d.image },
    { weight: mirror.p, image: flip(d.image) },
  ].filter((o) => o.weight > 0);
}

/** (1 - p) a + p mirror(a) for values laid out as the shape (CHW). */
export function symmetrized(a: Float64Array, shape: Shape, mirror: Mirror): Float64Array {
  const { channels, height, width } = shape;
  const out = new Float64Array(a.length);
  const q = mirror.p;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const row = (c * height + y) * width;
      const other = mirror.horizontal ? row : (c * height + height - 1 - y) * width;
      for (let x = 0; x < width; x++) out[row + x] = (1 - q) * a[row + x] + q * a[other + (mirror.horizontal ? width - 1 - x : x)];
    }
  }
  return out;
}

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
 * with it, a draw of the other parameters stands for both flip outcomes, y with weight 1 - p and its mirror with
 * weight p (conditional expectation over the flip: the same mean, never a larger variance). Null when no flip qualifies.
 */
export function flipPairedDrawer(policy: TransformSpec, input: Shape, withControls = false): Drawer | null {
  const transforms = flattenPolicy(policy);
  const at = pairedFlipIndex(transforms);
  if (at < 0) return null;
  const flip = transforms[at] as Extract<TransformSpec, { kind: 'RandomHorizontalFlip' | 'RandomVerticalFlip' }>;
  const before = compilePolicy(composeOf(transforms.slice(0, at)), input);
  const after = compilePolicy(composeOf(transforms.slice(at + 1)), before.outputShape);
  return {
    draw: (img, rng) => {
      const z = before.sample(img, rng);
      return { image: after.sample(z, rng), control: withControls ? z : undefined };
    },
    mirror: { p: flip.p, horizontal: flip.kind === 'RandomHorizontalFlip' },
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

export function composeOf(transforms: readonly TransformSpec[]): TransformSpec {
  return { kind: 'Compose', transforms };
}
