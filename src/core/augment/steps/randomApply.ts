import type { Image } from '../../image';
import type { Mixture, WeightedImage } from '../mixture';
import { mergeSameCanvas } from '../mergeFamilies';
import type { Step } from '../step';

/** RandomApply: the steps with probability p, else the image unchanged. Both branches must give the same shape. */
export function randomApplyStep(inner: Step, p: number, label: string): Step {
  if (p < 1 && (inner.outputShape.height !== inner.inputShape.height || inner.outputShape.width !== inner.inputShape.width)) {
    throw new Error(
      `${label}: the transforms change the image size (${inner.inputShape.height}x${inner.inputShape.width} -> ` +
        `${inner.outputShape.height}x${inner.outputShape.width}), so applying them at random gives images of two sizes`,
    );
  }
  const weighted = (set: readonly WeightedImage[], w: number) => set.map((o) => ({ weight: o.weight * w, image: o.image }));
  const scaled = (m: Mixture, w: number) => m.families.map((f) => ({ ...f, weight: f.weight * w }));
  return {
    label,
    inputShape: inner.inputShape,
    outputShape: inner.outputShape,
    affine: inner.affine,
    varianceGain: inner.varianceGain === undefined ? undefined : Math.max(1, inner.varianceGain),
    // torchvision: `if self.p < torch.rand(1): return img`.
    sample: (img: Image, rng) => (p < rng.next() ? img : inner.sample(img, rng)),
    enumerate: (img) =>
      [...weighted([{ weight: 1, image: img }], 1 - p), ...weighted(inner.enumerate(img), p)].filter((o) => o.weight > 0),
    // Branches that end on the same canvas (a flip applied or not, then flipped back) merge.
    lift: (m) =>
      mergeSameCanvas({
        shape: inner.outputShape,
        families: [...(p < 1 ? scaled(m, 1 - p) : []), ...(p > 0 ? scaled(inner.lift(m), p) : [])],
      }),
  };
}
