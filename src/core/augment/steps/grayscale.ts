import type { RandomGrayscaleSpec } from '../../policy/types';
import { toGrayscale } from '../color/adjust';
import { isLazy, lazyFamily, reweighted } from '../lazyFamily';
import type { Mixture, Shape } from '../mixture';
import type { Step } from '../step';

/**
 * RandomGrayscale(p): with probability p every channel becomes the luma 0.2989 R + 0.587 G + 0.114 B (a 1-channel
 * image is left as is). Exact and per pixel, so it maps each family's canvas and keeps its window offsets.
 */
export function grayscaleStep(spec: RandomGrayscaleSpec, input: Shape, label: string): Step {
  const { p } = spec;
  if (input.channels !== 1 && input.channels !== 3) throw new Error(`${label}: needs a 1- or 3-channel image, got ${input.channels} channels`);
  return {
    label,
    inputShape: input,
    outputShape: input,
    affine: true,
    // torchvision: `if torch.rand(1) < self.p: grayscale`.
    sample: (img, rng) => (rng.next() < p ? toGrayscale(img) : img),
    enumerate: (img) =>
      [
        { weight: 1 - p, image: img },
        { weight: p, image: toGrayscale(img) },
      ].filter((o) => o.weight > 0),
    lift: (m: Mixture): Mixture => ({
      shape: m.shape,
      families: m.families.flatMap((f) => [
        ...(p < 1 ? [reweighted(f, f.weight * (1 - p))] : []),
        ...(p > 0 ? [isLazy(f) ? lazyFamily(f.weight * p, () => toGrayscale(f.base), f.canvasShape, f.offsets) : { weight: f.weight * p, base: toGrayscale(f.base), offsets: f.offsets }] : []),
      ]),
    }),
  };
}
