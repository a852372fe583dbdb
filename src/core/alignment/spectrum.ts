import { fft2d } from '../fft';

/**
 * |F(u, v)|^2 / (H W) of each channel's plane, summed over channels: by Parseval it sums to the energy sum_i x_i^2.
 * Index u * width + v holds frequency (min(u, H - u) / H, min(v, W - v) / W) in cycles per pixel.
 */
export function powerSpectrum(data: ArrayLike<number>, channels: number, height: number, width: number): Float64Array {
  const plane = height * width;
  if (data.length !== channels * plane) throw new Error(`${data.length} values for ${channels}x${height}x${width}`);
  const power = new Float64Array(plane);
  const re = new Float64Array(plane);
  const im = new Float64Array(plane);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < plane; p++) re[p] = data[c * plane + p];
    im.fill(0);
    fft2d(re, im, height, width);
    for (let p = 0; p < plane; p++) power[p] += (re[p] * re[p] + im[p] * im[p]) / plane;
  }
  return power;
}

/** Radial frequency of each entry of powerSpectrum: sqrt(fy^2 + fx^2) in cycles per pixel, 0 to sqrt(0.5). */
export function radialFrequencies(height: number, width: number): Float64Array {
  const r = new Float64Array(height * width);
  for (let u = 0; u < height; u++) {
    const fy = Math.min(u, height - u) / height;
    for (let v = 0; v < width; v++) {
      const fx = Math.min(v, width - v) / width;
      r[u * width + v] = Math.sqrt(fy * fy + fx * fx);
    }
  }
  return r;
}

export interface RadialSpectrum {
  /** Bin centres in cycles per pixel. */
  readonly frequencies: Float64Array;
  /** Mean power per frequency in each bin (0 for an empty bin). */
  readonly power: Float64Array;
  /** Frequencies per bin. */
  readonly counts: Int32Array;
}

/**
 * The power spectrum averaged over rings of radial frequency, in bins of width 1 / min(H, W) (Nyquist 0.5 spans
 * min(H, W) / 2 bins; the corners beyond 0.5 get their own bins up to sqrt(0.5)).
 */
export function radialPowerSpectrum(data: ArrayLike<number>, channels: number, height: number, width: number): RadialSpectrum {
  const power = powerSpectrum(data, channels, height, width);
  const radius = radialFrequencies(height, width);
  const binWidth = 1 / Math.min(height, width);
  const bins = Math.floor(Math.SQRT1_2 / binWidth) + 1;
  const sums = new Float64Array(bins);
  const counts = new Int32Array(bins);
  for (let p = 0; p < power.length; p++) {
    const bin = Math.min(bins - 1, Math.floor(radius[p] / binWidth + 0.5));
    sums[bin] += power[p];
    counts[bin]++;
  }
  return {
    frequencies: Float64Array.from({ length: bins }, (_, b) => b * binWidth),
    power: sums.map((s, b) => (counts[b] > 0 ? s / counts[b] : 0)),
    counts,
  };
}

/** The share of the energy at radial frequencies above the cut-off (cycles per pixel); 0 for an all-zero input. */
export function highFrequencyShare(data: ArrayLike<number>, channels: number, height: number, width: number, cutoff: number): number {
  const power = powerSpectrum(data, channels, height, width);
  const radius = radialFrequencies(height, width);
  let high = 0;
  let total = 0;
  for (let p = 0; p < power.length; p++) {
    total += power[p];
    if (radius[p] > cutoff) high += power[p];
  }
  return total > 0 ? high / total : 0;
}
