import type { Image } from '../../image';
import type { FlipSpec } from '../../policy/types';
import { flipHorizontal, flipVertical } from '../geometry';
import { flippedCanvas } from '../flipOrbit';
import { mergeSameCanvas } from '../mergeFamilies';
import type { Mixture, Shape, WindowFamily } from '../mixture';
import type { OffsetSet } from '../offsets';
import type { Step } from '../step';

/**
 * Flip with probability p: each family splits into itself (1 - p) and its mirror image (p). A window of a mirrored
 * canvas is the mirror of a window: the offset maps to (canvas side - window side - offset). Mirrored canvases come
 * from their flip orbit, so a family flipped back meets its source and the two merge: any number of flips in a row
 * keeps at most four canvases per source.
 */
export function flipStep(spec: FlipSpec, input: Shape, label: string): Step {
  const horizontal = spec.kind === 'RandomHorizontalFlip';
  const flip = horizontal ? flipHorizontal : flipVertical;
  const { p } = spec;
  const mirror = (f: WindowFamily, shape: Shape): WindowFamily => ({
    weight: f.weight * p,
    base: flippedCanvas(f.base, horizontal),
    offsets: mirrorOffsets(f.offsets, horizontal ? f.base.width - shape.width : f.base.height - shape.height, horizontal),
  });
  return {
    label,
    inputShape: input,
    outputShape: input,
    affine: true,
    varianceGain: 1,
    // torchvision: `if torch.rand(1) < self.p: flip`.
    sample: (img: Image, rng) => (rng.next() < p ? flip(img) : img),
    enumerate: (img) =>
      [
        { weight: 1 - p, image: img },
        { weight: p, image: flip(img) },
      ].filter((o) => o.weight > 0),
    lift: (m: Mixture): Mixture =>
      mergeSameCanvas({
        shape: m.shape,
        families: m.families.flatMap((f) => {
          const kept = p < 1 ? [{ ...f, weight: f.weight * (1 - p) }] : [];
          return p > 0 ? [...kept, mirror(f, m.shape)] : kept;
        }),
      }),
  };
}

function mirrorOffsets(o: OffsetSet, span: number, horizontal: boolean): OffsetSet {
  const flipAxis = (v: Int32Array) => v.map((d) => span - d);
  return horizontal ? { dy: o.dy, dx: flipAxis(o.dx), p: o.p } : { dy: flipAxis(o.dy), dx: o.dx, p: o.p };
}
