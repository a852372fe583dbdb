import type { RandomAffineSpec } from '../../policy/types';
import { uniform } from '../../rng';
import type { Shape } from '../mixture';
import { offsetGrid, roundedUniform } from '../offsets';
import type { Step } from '../step';
import { liftWindowOp, type WindowOp } from '../windowOp';
import { roundHalfEven, translateImage } from '../geometry';
import { fillValues } from '../pad';

/**
 * RandomAffine with translations only (degrees 0, no scale or shear): tx = round(U(-a W, a W)), ty likewise, a whole-pixel
 * shift with the fill outside. As a window op: pad by the largest shift with the fill, window at (my - ty, mx - tx).
 */
export function translateStep(spec: RandomAffineSpec, input: Shape, label: string): Step {
  const [a, b] = spec.translate ?? [0, 0];
  const maxDx = a * input.width;
  const maxDy = b * input.height;
  const txLaw = roundedUniform(maxDx);
  const tyLaw = roundedUniform(maxDy);
  const mx = Math.max(0, ...Array.from(txLaw.values, Math.abs));
  const my = Math.max(0, ...Array.from(tyLaw.values, Math.abs));
  const toOffsets = (v: Int32Array, m: number) => v.map((t) => m - t);
  const grid = offsetGrid(
    { values: toOffsets(tyLaw.values, my), p: tyLaw.p },
    { values: toOffsets(txLaw.values, mx), p: txLaw.p },
  );
  const fills = fillValues(spec.fill, input.channels);
  const op: WindowOp = {
    padding: [[mx, my, mx, my]],
    mode: 'constant',
    fill: spec.fill,
    output: input,
    offsets: grid,
  };
  return {
    label,
    inputShape: input,
    outputShape: input,
    affine: true,
    varianceGain: 1,
    sample: (img, rng) => {
      // torchvision draws the (zero) angle first, then tx, then ty.
      const tx = roundHalfEven(uniform(rng, -maxDx, maxDx));
      const ty = roundHalfEven(uniform(rng, -maxDy, maxDy));
      return translateImage(img, tx, ty, fills);
    },
    enumerate: (img) =>
      Array.from(tyLaw.values).flatMap((ty, i) =>
        Array.from(txLaw.values, (tx, j) => ({ weight: tyLaw.p[i] * txLaw.p[j], image: translateImage(img, tx, ty, fills) })),
      ),
    lift: (m) => liftWindowOp(op, m),
  };
}
