import type { Image } from '../../image';
import { createImage } from '../../image';
import type { CenterCropSpec, NormalizeSpec, ResizeSpec } from '../../policy/types';
import { explode, type Mixture, type Shape } from '../mixture';
import { roundHalfEven } from '../geometry';
import { resizedSize, resizeImage } from '../resize';
import { singleOffset } from '../offsets';
import type { Step } from '../step';
import { applyWindowOp, liftWindowOp, type WindowOp } from '../windowOp';

/** A step without randomness. `pointwise` steps act on each pixel alone, so they can act on the canvases directly. */
function deterministicStep(
  label: string,
  input: Shape,
  output: Shape,
  apply: (img: Image) => Image,
  lift: (m: Mixture) => Mixture,
  varianceGain?: number,
): Step {
  return {
    label,
    inputShape: input,
    outputShape: output,
    affine: true,
    varianceGain,
    sample: (img) => apply(img),
    enumerate: (img) => [{ weight: 1, image: apply(img) }],
    lift,
  };
}

export function normalizeStep(spec: NormalizeSpec, input: Shape, label: string): Step {
  const perChannel = (v: readonly number[], what: string): Float64Array => {
    if (v.length === 1) return new Float64Array(input.channels).fill(v[0]);
    if (v.length !== input.channels) {
      throw new Error(`${label}: ${what} has ${v.length} values but the image has ${input.channels} channel(s)`);
    }
    return Float64Array.from(v);
  };
  const mean = perChannel(spec.mean, 'mean');
  const std = perChannel(spec.std, 'std');
  const apply = (img: Image): Image => {
    const out = createImage(img.channels, img.height, img.width);
    const plane = img.height * img.width;
    for (let c = 0; c < img.channels; c++) {
      for (let i = c * plane; i < (c + 1) * plane; i++) out.data[i] = (img.data[i] - mean[c]) / std[c];
    }
    return out;
  };
  const lift = (m: Mixture) => ({ shape: m.shape, families: m.families.map((f) => ({ ...f, base: apply(f.base) })) });
  return deterministicStep(label, input, input, apply, lift, Math.max(...std.map((s) => 1 / (s * s))));
}

/** CenterCrop: zero-pads first when the crop is larger than the image, offsets rounded half to even as Python does. */
export function centerCropStep(spec: CenterCropSpec, input: Shape, label: string): Step {
  const [ch, cw] = spec.size;
  const { height: ih, width: iw } = input;
  const padding: [number, number, number, number] = [
    cw > iw ? Math.floor((cw - iw) / 2) : 0,
    ch > ih ? Math.floor((ch - ih) / 2) : 0,
    cw > iw ? Math.floor((cw - iw + 1) / 2) : 0,
    ch > ih ? Math.floor((ch - ih + 1) / 2) : 0,
  ];
  const ph = ih + padding[1] + padding[3];
  const pw = iw + padding[0] + padding[2];
  const op: WindowOp = {
    padding: [padding],
    mode: 'constant',
    fill: 0,
    output: { channels: input.channels, height: ch, width: cw },
    offsets: singleOffset(roundHalfEven((ph - ch) / 2), roundHalfEven((pw - cw) / 2)),
  };
  return deterministicStep(label, input, op.output, (img) => applyWindowOp(op, img, 0), (m) => liftWindowOp(op, m), 1);
}

/** Resize mixes neighbouring pixels, so a family of windows is split into its outcomes first. */
export function resizeStep(spec: ResizeSpec, input: Shape, label: string): Step {
  if (spec.interpolation === 'bicubic') throw new Error(`${label}: interpolation BICUBIC is not supported yet (BILINEAR, NEAREST and NEAREST_EXACT are)`);
  const [h, w] = resizedSize(input.height, input.width, spec.size, spec.maxSize);
  const opts = { interpolation: spec.interpolation, antialias: spec.antialias };
  const apply = (img: Image) => resizeImage(img, h, w, opts);
  return deterministicStep(label, input, { channels: input.channels, height: h, width: w }, apply, (m) => ({
    shape: { channels: m.shape.channels, height: h, width: w },
    families: explode(m).families.map((f) => ({ ...f, base: apply(f.base) })),
  }));
}
