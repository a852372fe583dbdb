import { type Image } from '../image';
import { cropImage } from './geometry';
import { singleOffset, type OffsetSet } from './offsets';

/**
 * The exact law of an augmented image as a weighted outcome set (docs/math.md, section 1), stored compactly:
 * a family holds one canvas `base` and a distribution of window offsets, outcome = base[:, dy : dy + h, dx : dx + w].
 * Translation-type augmentations stay one family however many positions they have.
 */
export interface WindowFamily {
  /** Probability of the family; the families' weights sum to 1. */
  readonly weight: number;
  readonly base: Image;
  readonly offsets: OffsetSet;
}

export interface Shape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export interface Mixture {
  /** Shape of every outcome. */
  readonly shape: Shape;
  readonly families: readonly WindowFamily[];
}

export interface WeightedImage {
  readonly weight: number;
  readonly image: Image;
}

export function pointMixture(img: Image): Mixture {
  return { shape: shapeOf(img), families: [{ weight: 1, base: img, offsets: singleOffset() }] };
}

export function shapeOf(img: Shape): Shape {
  return { channels: img.channels, height: img.height, width: img.width };
}

export function outcomeCount(m: Mixture): number {
  return m.families.reduce((n, f) => n + f.offsets.p.length, 0);
}

/** Every outcome with its probability; zero-probability outcomes are skipped. */
export function* outcomes(m: Mixture): Generator<WeightedImage> {
  for (const f of m.families) {
    for (let k = 0; k < f.offsets.p.length; k++) {
      const weight = f.weight * f.offsets.p[k];
      if (weight > 0) yield { weight, image: windowOf(f, k, m.shape) };
    }
  }
}

export function windowOf(f: WindowFamily, k: number, shape: Shape): Image {
  const { dy, dx } = f.offsets;
  if (dy[k] === 0 && dx[k] === 0 && f.base.height === shape.height && f.base.width === shape.width) return f.base;
  return cropImage(f.base, dy[k], dx[k], shape.height, shape.width);
}

/** Families with a single offset each: every outcome as its own canvas. */
export function explode(m: Mixture): Mixture {
  return { shape: m.shape, families: [...outcomes(m)].map((o) => ({ weight: o.weight, base: o.image, offsets: singleOffset() })) };
}
