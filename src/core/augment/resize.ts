import { createImage, type Image } from '../image';
import type { Interpolation } from '../policy/types';
import { cropImage } from './geometry';

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
  return resizeWindow(img, 0, 0, img.height, img.width, outH, outW, opts);
}

/**
 * resizeImage(cropImage(img, top, left, height, width), outH, outW, opts) without copying the window: along x into
 * a float64 buffer, then along y, rounded to float32 once at the end.
 */
export function resizeWindow(img: Image, top: number, left: number, height: number, width: number, outH: number, outW: number, opts: ResizeOptions): Image {
  if (outH === height && outW === width) return cropImage(img, top, left, height, width);
  if (outH < 1 || outW < 1) throw new Error(`cannot resize ${height}x${width} to ${outH}x${outW}`);
  if (top < 0 || left < 0 || top + height > img.height || left + width > img.width) {
    throw new Error(`crop ${height}x${width} at (${top}, ${left}) leaves the ${img.height}x${img.width} image`);
  }
  const cols = cachedTaps(width, outW, opts);
  const rows = cachedTaps(height, outH, opts);
  const { channels, data: src } = img;
  const tmp = scratch(channels * height * outW);
  const { start: cs, weights: cw, taps: kx } = cols;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const s = (c * img.height + top + y) * img.width + left;
      const o = (c * height + y) * outW;
      if (kx === 2) {
        for (let x = 0; x < outW; x++) {
          const p = s + cs[x];
          tmp[o + x] = cw[2 * x] * src[p] + cw[2 * x + 1] * src[p + 1];
        }
        continue;
      }
      for (let x = 0; x < outW; x++) {
        let acc = 0;
        for (let j = 0, k = x * kx, p = s + cs[x]; j < kx; j++) acc += cw[k + j] * src[p + j];
        tmp[o + x] = acc;
      }
    }
  }
  const out = createImage(channels, outH, outW);
  const dst = out.data;
  const { start: rs, weights: rw, taps: ky } = rows;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < outH; y++) {
      const s = (c * height + rs[y]) * outW;
      const o = (c * outH + y) * outW;
      if (ky === 2) {
        const w0 = rw[2 * y];
        const w1 = rw[2 * y + 1];
        for (let x = 0; x < outW; x++) dst[o + x] = w0 * tmp[s + x] + w1 * tmp[s + outW + x];
        continue;
      }
      for (let x = 0; x < outW; x++) {
        let acc = 0;
        for (let j = 0, k = y * ky, p = s + x; j < ky; j++, p += outW) acc += rw[k + j] * tmp[p];
        dst[o + x] = acc;
      }
    }
  }
  return out;
}

/**
 * An axis' taps padded to the same count: output i reads `taps` source indices from start[i] with weights
 * weights[i * taps ..]. Padding adds zero weights before or after the taps (start moved back at the far edge), which
 * leaves every sum unchanged; two taps (bilinear upsampling) get their own loops.
 */
interface PaddedTaps {
  readonly taps: number;
  readonly start: Int32Array;
  readonly weights: Float64Array;
}

/** Taps per (input size, output size, options); random crops meet at most height + width sizes per output. */
const tapsCache = new Map<string, PaddedTaps>();
const MAX_CACHED_TAPS = 4096;

function cachedTaps(inSize: number, outSize: number, opts: ResizeOptions): PaddedTaps {
  const key = `${inSize} ${outSize} ${opts.interpolation} ${opts.antialias}`;
  let padded = tapsCache.get(key);
  if (!padded) {
    const { start, weights } = axisWeights(inSize, outSize, opts);
    const taps = weights.reduce((n, w) => Math.max(n, w.length), 0);
    const first = new Int32Array(outSize);
    const flat = new Float64Array(outSize * taps);
    weights.forEach((w, i) => {
      first[i] = Math.min(start[i], inSize - taps);
      flat.set(w, i * taps + start[i] - first[i]);
    });
    if (tapsCache.size >= MAX_CACHED_TAPS) tapsCache.clear();
    tapsCache.set(key, (padded = { taps, start: first, weights: flat }));
  }
  return padded;
}

/** The first pass's buffer, reused across calls up to 16 MiB (its contents never outlive one resize). */
let scratchBuffer = new Float64Array(0);
const MAX_SCRATCH = 2 ** 21;

function scratch(size: number): Float64Array {
  if (size > MAX_SCRATCH) return new Float64Array(size);
  if (scratchBuffer.length < size) scratchBuffer = new Float64Array(size);
  return scratchBuffer;
}

/** For each output index: first source index and the weights of consecutive source indices. */
export interface AxisTaps {
  readonly start: Int32Array;
  readonly weights: Float64Array[];
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
