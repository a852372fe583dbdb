import { assertImageFits } from '../../image';
import type { RandomCropSpec, Padding } from '../../policy/types';
import { randInt } from '../../rng';
import type { Shape } from '../mixture';
import { offsetGrid, uniformIntegers } from '../offsets';
import type { Step } from '../step';
import { liftConstantPadWindow } from '../constantPadLift';
import { enumerateWindowOp, liftWindowOp, validatePadding, windowAt, windowGain, type WindowOp } from '../windowOp';

/** RandomCrop: pad (then pad again where pad_if_needed asks), then a window whose corner is uniform on the integers. */
export function randomCropStep(spec: RandomCropSpec, input: Shape, label: string): Step {
  const [th, tw] = spec.size;
  const padding: Padding[] = [];
  let h = input.height;
  let w = input.width;
  if (spec.padding) {
    padding.push(spec.padding);
    h += spec.padding[1] + spec.padding[3];
    w += spec.padding[0] + spec.padding[2];
  }
  if (spec.padIfNeeded && w < tw) {
    padding.push([tw - w, 0, tw - w, 0]);
    w += 2 * (tw - w);
  }
  if (spec.padIfNeeded && h < th) {
    padding.push([0, th - h, 0, th - h]);
    h += 2 * (th - h);
  }
  assertImageFits(`${label}: the padded image`, input.channels, h, w);
  if (h < th || w < tw) {
    throw new Error(
      `${label}: required crop size ${th}x${tw} is larger than the ${spec.padding ? 'padded ' : ''}input image ${h}x${w}` +
        (spec.padIfNeeded ? '' : ' (pad_if_needed=True would pad it)'),
    );
  }
  const op: WindowOp = {
    padding,
    mode: spec.paddingMode,
    fill: spec.fill,
    output: { channels: input.channels, height: th, width: tw },
    offsets: offsetGrid(uniformIntegers(0, h - th), uniformIntegers(0, w - tw)),
  };
  validatePadding(op, input);
  return {
    label,
    inputShape: input,
    outputShape: op.output,
    affine: true,
    varianceGain: windowGain(op, input),
    sample: (img, rng) => windowAt(op, img, randInt(rng, 0, h - th), randInt(rng, 0, w - tw)),
    enumerate: (img) => enumerateWindowOp(op, img),
    lift: (m) => (op.mode === 'constant' && padding.some((pad) => pad.some((v) => v > 0)) ? liftConstantPadWindow(op, m) : liftWindowOp(op, m)),
  };
}
