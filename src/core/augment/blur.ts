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
 * (kernel_size[0] along x, kernel_size[1] along y, the same sigma for both).
 */
export function gaussianBlur(img: Image, kernelSize: readonly [number, number], sigma: number): Image {
  return createImage(img.channels, img.height, img.width, Float32Array.from(gaussianBlur64(img, kernelSize, sigma)));
}

/** gaussianBlur in float64, without rounding the result to float32. */
export function gaussianBlur64(img: Image, kernelSize: readonly [number, number], sigma: number): Float64Array {
  const kx = gaussianKernel1d(kernelSize[0], sigma);
  const ky = gaussianKernel1d(kernelSize[1], sigma);
  const { channels, height: h, width: w } = img;
  const rx = (kernelSize[0] - 1) / 2;
  const ry = (kernelSize[1] - 1) / 2;
  const colIndex = Int32Array.from({ length: w + 2 * rx }, (_, i) => padSourceIndex(i - rx, w, 'reflect'));
  const rowIndex = Int32Array.from({ length: h + 2 * ry }, (_, i) => padSourceIndex(i - ry, h, 'reflect'));
  const tmp = new Float64Array(channels * h * w);
  for (let r = 0; r < channels * h; r++) {
    const s = r * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let t = 0; t < kx.length; t++) acc += kx[t] * img.data[s + colIndex[x + t]];
      tmp[s + x] = acc;
    }
  }
  const out = new Float64Array(channels * h * w);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const o = (c * h + y) * w;
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (let t = 0; t < ky.length; t++) acc += ky[t] * tmp[(c * h + rowIndex[y + t]) * w + x];
        out[o + x] = acc;
      }
    }
  }
  return out;
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
