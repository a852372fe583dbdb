import { createImage, type Image } from '../image';
import type { Interpolation } from '../policy/types';

/** torchvision's output size for Resize: an int resizes the smaller edge (long edge truncated), [h, w] is exact. */
export function resizedSize(
  height: number,
  width: number,
  size: number | readonly [number, number],
  maxSize: number | null,
): [number, number] {
  if (typeof size !== 'number') return [size[0], size[1]];
  const [short, long] = width <= height ? [width, height] : [height, width];
  let newShort = size;
  let newLong = Math.trunc((size * long) / short);
  if (maxSize !== null) {
    if (maxSize <= size) throw new Error(`max_size = ${maxSize} must be strictly greater than the requested size ${size}`);
    if (newLong > maxSize) {
      newShort = Math.trunc((maxSize * newShort) / newLong);
      newLong = maxSize;
    }
  }
  return width <= height ? [newLong, newShort] : [newShort, newLong];
}

export interface ResizeOptions {
  readonly interpolation: Interpolation;
  readonly antialias: boolean;
}

/** Resize of a float tensor as torch.nn.functional.interpolate does (align_corners=False), separable. */
export function resizeImage(img: Image, outH: number, outW: number, opts: ResizeOptions): Image {
  if (outH === img.height && outW === img.width) return img;
  if (outH < 1 || outW < 1) throw new Error(`cannot resize ${img.height}x${img.width} to ${outH}x${outW}`);
  const rows = axisWeights(img.height, outH, opts);
  const cols = axisWeights(img.width, outW, opts);
  const tmp = new Float64Array(img.channels * img.height * outW);
  for (let r = 0; r < img.channels * img.height; r++) {
    const src = r * img.width;
    for (let x = 0; x < outW; x++) tmp[r * outW + x] = dotTaps(img.data, src, 1, cols, x);
  }
  const out = createImage(img.channels, outH, outW);
  for (let c = 0; c < img.channels; c++) {
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        out.data[(c * outH + y) * outW + x] = dotTaps(tmp, c * img.height * outW + x, outW, rows, y);
      }
    }
  }
  return out;
}

/** For each output index: first source index and the weights of consecutive source indices. */
export interface AxisTaps {
  readonly start: Int32Array;
  readonly weights: Float64Array[];
}

function dotTaps(src: ArrayLike<number>, base: number, stride: number, taps: AxisTaps, i: number): number {
  const w = taps.weights[i];
  let acc = 0;
  for (let j = 0, k = base + taps.start[i] * stride; j < w.length; j++, k += stride) acc += w[j] * src[k];
  return acc;
}

/** The interpolation weights of one axis (exported for the resize's transpose in the gradient chain rule). */
export function axisWeights(inSize: number, outSize: number, opts: ResizeOptions): AxisTaps {
  const scale = inSize / outSize;
  const start = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let i = 0; i < outSize; i++) {
    let first: number;
    let w: Float64Array;
    switch (opts.interpolation) {
      case 'nearest':
        first = Math.min(Math.floor(i * scale), inSize - 1);
        w = Float64Array.of(1);
        break;
      case 'nearest-exact':
        first = Math.min(Math.floor((i + 0.5) * scale), inSize - 1);
        w = Float64Array.of(1);
        break;
      case 'bilinear':
        [first, w] = opts.antialias && scale > 1 ? antialiasTaps(i, inSize, scale) : bilinearTaps(i, inSize, scale);
        break;
      case 'bicubic':
        throw new Error('Resize with interpolation=BICUBIC is not supported yet (use BILINEAR or NEAREST)');
    }
    start[i] = first;
    weights.push(w);
  }
  return { start, weights };
}

/** Bilinear, align_corners=False: source = (i + 0.5) * scale - 0.5, clamped at 0 (ATen's area_pixel_compute_source_index). */
function bilinearTaps(i: number, inSize: number, scale: number): [number, Float64Array] {
  const src = Math.max((i + 0.5) * scale - 0.5, 0);
  const i0 = Math.min(Math.floor(src), inSize - 1);
  const lambda = Math.min(src - i0, 1);
  if (i0 === inSize - 1) return [i0, Float64Array.of(1)];
  return [i0, Float64Array.of(1 - lambda, lambda)];
}

/**
 * Antialiased bilinear (ATen's _upsample_bilinear2d_aa, the PIL-style triangle filter stretched by the scale):
 * taps where |j + 0.5 - center| < scale, weights tri((j - center + 0.5) / scale), normalised to sum 1.
 */
function antialiasTaps(i: number, inSize: number, scale: number): [number, Float64Array] {
  const support = scale;
  const center = scale * (i + 0.5);
  const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
  const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
  const w = new Float64Array(xsize);
  let total = 0;
  for (let j = 0; j < xsize; j++) {
    const t = Math.abs((j + xmin - center + 0.5) / scale);
    w[j] = t < 1 ? 1 - t : 0;
    total += w[j];
  }
  if (total !== 0) for (let j = 0; j < xsize; j++) w[j] /= total;
  return [xmin, w];
}
