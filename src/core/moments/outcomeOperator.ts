import type { Mixture, Shape, WindowFamily } from '../augment/mixture';
import { fft2d, nextPowerOfTwo } from '../fft';
import { fftPays, fftWindowSums, type WeightedFamily } from './fftCorrelation';
import type { PixelMoments } from './pixelMoments';
import { dot } from './topEigen';
import { accumulateWindowSums, windowDots } from './windowSum';

/**
 * A = [y_i - mu] (D x n, outcome i running over the families, then their offsets), applied without forming it:
 * sums of windows weighted per outcome, and dot products of every window with one image. Both go through the
 * correlation theorem when the canvases are large and the offsets many (a 224 x 224 crop family of 1,089 offsets:
 * a dozen transforms instead of 10^8 multiply-adds).
 */
export interface OutcomeOperator {
  readonly outcomes: number;
  /** sum_i c_i (y_i - mu) for each coefficient vector c. */
  combine(coefs: readonly Float64Array[]): Float64Array[];
  /** <y_i - mu, v> for every outcome i. */
  dots(v: Float64Array): Float64Array;
  /** Estimated multiply-adds of one combine and one dots. */
  readonly costPerVector: number;
}

export function outcomeOperator(m: Mixture, moments: PixelMoments): OutcomeOperator {
  const n = m.families.reduce((s, f) => s + f.offsets.p.length, 0);
  const d = moments.mean.length;
  const grid = gridOf(m.families);
  const transform = 5 * grid.size * Math.log2(grid.size);
  const direct = n * d;
  const channels = m.shape.channels;
  // Real inputs go two to a complex transform: two channels of v, two families' kernels.
  const pointwise = 4 * m.families.length * channels * grid.size;
  const fftDots = (Math.ceil(channels / 2) + Math.ceil(m.families.length / 2)) * transform + pointwise;
  const fftCombine = (Math.ceil(m.families.length / 2) + Math.ceil(channels / 2)) * transform + pointwise;
  let cached: Spectrum[][] | null = null;
  const spectra = () => (cached ??= m.families.map((f) => canvasSpectra(f.base, grid)));
  return {
    outcomes: n,
    costPerVector: Math.min(direct, fftDots) + Math.min(direct, fftCombine),
    combine: (coefs) => (fftCombine < direct ? correlationSums(m, moments, spectra(), grid, coefs) : combineOutcomes(m, moments, coefs)),
    dots: (v) => {
      const muV = dot(moments.mean, v);
      let raw: Float64Array;
      if (fftDots < direct) {
        raw = correlationDots(m, spectra(), grid, v);
      } else {
        raw = Float64Array.from(m.families.flatMap((f) => Array.from(windowDots(f, m.shape, v))));
      }
      for (let i = 0; i < n; i++) raw[i] -= muV;
      return raw;
    },
  };
}

/** For each coefficient vector c: sum_i c_i (y_i - mu), outcome i running over families then offsets. */
export function combineOutcomes(m: Mixture, moments: PixelMoments, coefs: readonly Float64Array[]): Float64Array[] {
  const outs = coefs.map(() => new Float64Array(moments.mean.length));
  let start = 0;
  const parts: WeightedFamily[] = m.families.map((family) => {
    const end = start + family.offsets.p.length;
    const part = { family, coefs: coefs.map((c) => c.subarray(start, end)) };
    start = end;
    return part;
  });
  if (fftPays(parts, m.shape, coefs.length)) fftWindowSums(outs, parts, m.shape);
  else for (const p of parts) accumulateWindowSums(outs, p.family, m.shape, [...p.coefs]);
  outs.forEach((out, v) => {
    const total = coefs[v].reduce((s, x) => s + x, 0);
    for (let i = 0; i < out.length; i++) out[i] -= total * moments.mean[i];
  });
  return outs;
}

interface Grid {
  readonly rows: number;
  readonly cols: number;
  readonly size: number;
}

interface Spectrum {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** One transform grid at least as large as every canvas, so that no window of a canvas wraps around. */
function gridOf(families: readonly WindowFamily[]): Grid {
  const rows = nextPowerOfTwo(Math.max(...families.map((f) => f.base.height)));
  const cols = nextPowerOfTwo(Math.max(...families.map((f) => f.base.width)));
  return { rows, cols, size: rows * cols };
}

function canvasSpectra(base: WindowFamily['base'], grid: Grid): Spectrum[] {
  return Array.from({ length: base.channels }, (_, c) => {
    const re = new Float64Array(grid.size);
    const im = new Float64Array(grid.size);
    for (let y = 0; y < base.height; y++) {
      for (let x = 0; x < base.width; x++) re[y * grid.cols + x] = base.data[(c * base.height + y) * base.width + x];
    }
    fft2d(re, im, grid.rows, grid.cols, false);
    return { re, im };
  });
}

/**
 * <window at (dy, dx) of canvas f, v> = R_f[dy, dx], R_f[d] = sum_q f[q + d] v[q], whose transform is
 * sum_c F_c conj(V_c): one inverse transform per two families (real results as the real and imaginary parts).
 */
function correlationDots(m: Mixture, spectra: Spectrum[][], grid: Grid, v: Float64Array): Float64Array {
  const shape: Shape = m.shape;
  const vs = realSpectra(shape.channels, grid, (c, re) => {
    for (let y = 0; y < shape.height; y++) {
      for (let x = 0; x < shape.width; x++) re[y * grid.cols + x] = v[(c * shape.height + y) * shape.width + x];
    }
  });
  const out = new Float64Array(m.families.reduce((s, f) => s + f.offsets.p.length, 0));
  const starts: number[] = [];
  m.families.reduce((s, f) => (starts.push(s), s + f.offsets.p.length), 0);
  const re = new Float64Array(grid.size);
  const im = new Float64Array(grid.size);
  for (let a = 0; a < m.families.length; a += 2) {
    re.fill(0);
    im.fill(0);
    for (const [f, imaginary] of [[a, false], [a + 1, true]] as const) {
      if (f >= m.families.length) continue;
      for (let c = 0; c < shape.channels; c++) {
        const F = spectra[f][c];
        const V = vs[c];
        // S = F conj(V); the second family enters as i S.
        for (let i = 0; i < grid.size; i++) {
          const sr = F.re[i] * V.re[i] + F.im[i] * V.im[i];
          const si = F.im[i] * V.re[i] - F.re[i] * V.im[i];
          if (imaginary) {
            re[i] -= si;
            im[i] += sr;
          } else {
            re[i] += sr;
            im[i] += si;
          }
        }
      }
    }
    fft2d(re, im, grid.rows, grid.cols, true);
    for (const [f, plane] of [[a, re], [a + 1, im]] as const) {
      if (f >= m.families.length) continue;
      const { dy, dx } = m.families[f].offsets;
      for (let k = 0; k < dy.length; k++) out[starts[f] + k] = plane[dy[k] * grid.cols + dx[k]];
    }
  }
  return out;
}

/**
 * Transforms of `count` real planes, two per complex transform: with Z the transform of a + i b,
 * A = (Z[w] + conj Z[-w]) / 2 and B = (Z[w] - conj Z[-w]) / 2i.
 */
function realSpectra(count: number, grid: Grid, write: (index: number, plane: Float64Array) => void): Spectrum[] {
  const out: Spectrum[] = [];
  for (let a = 0; a < count; a += 2) {
    const re = new Float64Array(grid.size);
    const im = new Float64Array(grid.size);
    write(a, re);
    if (a + 1 < count) write(a + 1, im);
    fft2d(re, im, grid.rows, grid.cols, false);
    if (a + 1 >= count) {
      out.push({ re, im });
      continue;
    }
    const A = { re: new Float64Array(grid.size), im: new Float64Array(grid.size) };
    const B = { re: new Float64Array(grid.size), im: new Float64Array(grid.size) };
    for (let u = 0; u < grid.rows; u++) {
      const nu = ((grid.rows - u) % grid.rows) * grid.cols;
      for (let v = 0; v < grid.cols; v++) {
        const i = u * grid.cols + v;
        const j = nu + ((grid.cols - v) % grid.cols);
        A.re[i] = (re[i] + re[j]) / 2;
        A.im[i] = (im[i] - im[j]) / 2;
        B.re[i] = (im[i] + im[j]) / 2;
        B.im[i] = (re[j] - re[i]) / 2;
      }
    }
    out.push(A, B);
  }
  return out;
}

/**
 * combineOutcomes by the correlation theorem on the cached canvas spectra: out_c = sum_f corr(f_c, kernel_f), whose
 * transform is sum_f conj(K_f) F_c; two output channels share one inverse transform (real and imaginary parts).
 */
function correlationSums(m: Mixture, moments: PixelMoments, spectra: Spectrum[][], grid: Grid, coefs: readonly Float64Array[]): Float64Array[] {
  const { channels, height, width } = m.shape;
  const starts: number[] = [];
  m.families.reduce((s, f) => (starts.push(s), s + f.offsets.p.length), 0);
  const acc = Array.from({ length: Math.ceil(channels / 2) }, () => ({ re: new Float64Array(grid.size), im: new Float64Array(grid.size) }));
  return coefs.map((c) => {
    for (const a of acc) {
      a.re.fill(0);
      a.im.fill(0);
    }
    const kernels = realSpectra(m.families.length, grid, (f, plane) => {
      const { dy, dx } = m.families[f].offsets;
      for (let k = 0; k < dy.length; k++) plane[dy[k] * grid.cols + dx[k]] += c[starts[f] + k];
    });
    kernels.forEach((K, f) => {
      for (let ch = 0; ch < channels; ch += 2) {
        const a = spectra[f][ch];
        const b = ch + 1 < channels ? spectra[f][ch + 1] : null;
        const t = acc[ch / 2];
        for (let i = 0; i < grid.size; i++) {
          // conj(K) A + i conj(K) B
          const kr = K.re[i];
          const ki = -K.im[i];
          t.re[i] += kr * a.re[i] - ki * a.im[i] - (b ? kr * b.im[i] + ki * b.re[i] : 0);
          t.im[i] += kr * a.im[i] + ki * a.re[i] + (b ? kr * b.re[i] - ki * b.im[i] : 0);
        }
      }
    });
    const out = new Float64Array(moments.mean.length);
    const total = c.reduce((s, x) => s + x, 0);
    acc.forEach((t, pair) => {
      fft2d(t.re, t.im, grid.rows, grid.cols, true);
      for (const [ch, plane] of [[2 * pair, t.re], [2 * pair + 1, t.im]] as const) {
        if (ch >= channels) continue;
        for (let y = 0; y < height; y++) {
          const o = (ch * height + y) * width;
          for (let x = 0; x < width; x++) out[o + x] = plane[y * grid.cols + x] - total * moments.mean[o + x];
        }
      }
    });
    return out;
  });
}
