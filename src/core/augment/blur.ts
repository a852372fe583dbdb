import { createImage, type Image } from '../image';
import { padSourceIndex } from './pad';

/** torchvision's `_get_gaussian_kernel1d`: exp(-x^2 / (2 sigma^2)) at x = -(k-1)/2 .. (k-1)/2, normalised to sum 1. */
export function gaussianKernel1d(size: number, sigma: number): Float64Array {
  const half = (size - 1) / 2;
  const k = Float64Array.from({ length: size }, (_, i) => Math.exp(-0.5 * ((i - half) / sigma) ** 2));
  const total = k.reduce((s, v) => s + v, 0);
  return k.map((v) => v / total);
}

/**
 * F.gaussian_blur on a float image: reflect padding by half the kernel on each side, then the separable kernel
 * (kernel_size[0] along x, kernel_size[1] along y, the same sigma for both), in float64 rounded once to float32.
 */
export function gaussianBlur(img: Image, kernelSize: readonly [number, number], sigma: number): Image {
  const out = createImage(img.channels, img.height, img.width);
  blurInto(img, kernelSize, sigma, out.data);
  return out;
}

/** gaussianBlur in float64, without rounding the result to float32. */
export function gaussianBlur64(img: Image, kernelSize: readonly [number, number], sigma: number): Float64Array {
  const out = new Float64Array(img.data.length);
  blurInto(img, kernelSize, sigma, out);
  return out;
}

/** The rows filtered with kx into a transposed float64 copy, whose rows (the columns) are filtered with ky into `out`. */
function blurInto(img: Image, kernelSize: readonly [number, number], sigma: number, out: Float32Array | Float64Array): void {
  const kx = gaussianKernel1d(kernelSize[0], sigma);
  const ky = kernelSize[1] === kernelSize[0] ? kx : gaussianKernel1d(kernelSize[1], sigma);
  const { channels, height, width } = img;
  const transposed = new Float64Array(img.data.length);
  filterRowsTransposed(img.data, channels, height, width, kx, transposed);
  filterRowsTransposed(transposed, channels, width, height, ky, out);
}

/**
 * Filters each row of `planes` planes of h x w with the kernel k under reflect padding and writes plane p's result
 * transposed (w x h). Every output is the float64 sum over the taps in kernel order; four neighbouring outputs are
 * summed together, so each loaded value serves all four.
 */
function filterRowsTransposed(
  src: Float32Array | Float64Array,
  planes: number,
  h: number,
  w: number,
  k: Float64Array,
  out: Float32Array | Float64Array,
): void {
  const taps = k.length;
  const r = (taps - 1) / 2;
  const index = reflectIndex(w, r);
  const row = new Float64Array(index.length);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < h; y++) {
      const s = (p * h + y) * w;
      row.set(src.subarray(s, s + w), r);
      for (let i = 0; i < r; i++) {
        row[i] = src[s + index[i]];
        row[r + w + i] = src[s + index[r + w + i]];
      }
      const o = p * h * w + y;
      let x = 0;
      for (; x + 4 <= w; x += 4) {
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        let v0 = row[x], v1 = row[x + 1], v2 = row[x + 2];
        for (let t = 0; t < taps; t++) {
          const kt = k[t];
          const v3 = row[x + t + 3];
          a0 += kt * v0;
          a1 += kt * v1;
          a2 += kt * v2;
          a3 += kt * v3;
          v0 = v1;
          v1 = v2;
          v2 = v3;
        }
        out[o + x * h] = a0;
        out[o + (x + 1) * h] = a1;
        out[o + (x + 2) * h] = a2;
        out[o + (x + 3) * h] = a3;
      }
      for (; x < w; x++) {
        let a = 0;
        for (let t = 0; t < taps; t++) a += k[t] * row[x + t];
        out[o + x * h] = a;
      }
    }
  }
}

const reflectIndices = new Map<string, Int32Array>();

/** Source indices of the coordinates -r .. n - 1 + r under reflect padding, cached per (n, r). */
function reflectIndex(n: number, r: number): Int32Array {
  const key = `${n},${r}`;
  let index = reflectIndices.get(key);
  if (!index) {
    index = Int32Array.from({ length: n + 2 * r }, (_, i) => padSourceIndex(i - r, n, 'reflect'));
    reflectIndices.set(key, index);
  }
  return index;
}

/**
 * A bound on ||L||_2^2 of the blur's linear map: rows sum to 1, and a source pixel near a border also receives the
 * reflected taps, so ||L||_1 is the largest column sum of the folded kernel along x times that along y.
 */
export function blurGain(kernelSize: readonly [number, number], sigma: number, height: number, width: number): number {
  const axis = (size: number, n: number) => {
    const k = gaussianKernel1d(size, sigma);
    const r = (size - 1) / 2;
    const columns = new Float64Array(n);
    for (let x = 0; x < n; x++) for (let t = 0; t < size; t++) columns[padSourceIndex(x + t - r, n, 'reflect')] += k[t];
    return columns.reduce((a, b) => Math.max(a, b), 0);
  };
  return axis(kernelSize[0], width) * axis(kernelSize[1], height);
}
