import type { Shape, WindowFamily } from '../augment/mixture';
import { fft2d, nextPowerOfTwo } from '../fft';

/** A family and one coefficient per offset for each output vector. */
export interface WeightedFamily {
  readonly family: WindowFamily;
  readonly coefs: readonly Float64Array[];
}

/**
 * outs[v][c, y, x] += sum over the families of sum_k coefs[v][k] base[c, y + dy_k, x + dx_k], by the correlation
 * theorem: DFT(out_c) = sum_f conj(DFT(kernel_f)) DFT(base_f,c), on a grid at least as large as every canvas so
 * nothing wraps around (y + dy_k stays inside its canvas). Two channels share one inverse transform as its real and
 * imaginary parts, since both results are real.
 */
export function fftWindowSums(outs: Float64Array[], parts: readonly WeightedFamily[], shape: Shape): void {
  const rows = nextPowerOfTwo(Math.max(...parts.map((p) => p.family.base.height)));
  const cols = nextPowerOfTwo(Math.max(...parts.map((p) => p.family.base.width)));
  const size = rows * cols;
  const channels = shape.channels;
  const spectra = parts.map(({ family: { base } }) =>
    Array.from({ length: channels }, (_, c) => {
      const re = new Float64Array(size);
      const im = new Float64Array(size);
      for (let y = 0; y < base.height; y++) {
        for (let x = 0; x < base.width; x++) re[y * cols + x] = base.data[(c * base.height + y) * base.width + x];
      }
      fft2d(re, im, rows, cols, false);
      return { re, im };
    }),
  );
  const kre = new Float64Array(size);
  const kim = new Float64Array(size);
  const acc = Array.from({ length: Math.ceil(channels / 2) }, () => ({ re: new Float64Array(size), im: new Float64Array(size) }));
  outs.forEach((out, v) => {
    for (const a of acc) {
      a.re.fill(0);
      a.im.fill(0);
    }
    parts.forEach(({ family: { offsets }, coefs }, f) => {
      kre.fill(0);
      kim.fill(0);
      for (let k = 0; k < coefs[v].length; k++) kre[offsets.dy[k] * cols + offsets.dx[k]] += coefs[v][k];
      fft2d(kre, kim, rows, cols, false);
      for (let c = 0; c < channels; c += 2) {
        const a = spectra[f][c];
        const b = c + 1 < channels ? spectra[f][c + 1] : null;
        const target = acc[c / 2];
        for (let i = 0; i < size; i++) {
          // conj(K) A + i conj(K) B
          const kr = kre[i];
          const ki = -kim[i];
          target.re[i] += kr * a.re[i] - ki * a.im[i] - (b ? kr * b.im[i] + ki * b.re[i] : 0);
          target.im[i] += kr * a.im[i] + ki * a.re[i] + (b ? kr * b.re[i] - ki * b.im[i] : 0);
        }
      }
    });
    for (let c = 0; c < channels; c += 2) {
      const t = acc[c / 2];
      fft2d(t.re, t.im, rows, cols, true);
      addPlane(out, t.re, c, shape, cols);
      if (c + 1 < channels) addPlane(out, t.im, c + 1, shape, cols);
    }
  });
}

function addPlane(out: Float64Array, plane: Float64Array, c: number, shape: Shape, cols: number): void {
  const { height: h, width: w } = shape;
  for (let y = 0; y < h; y++) {
    const o = (c * h + y) * w;
    for (let x = 0; x < w; x++) out[o + x] += plane[y * cols + x];
  }
}

/** Whether the transform route is cheaper than summing every window directly. */
export function fftPays(parts: readonly WeightedFamily[], shape: Shape, vectors: number): boolean {
  const rows = nextPowerOfTwo(Math.max(...parts.map((p) => p.family.base.height)));
  const cols = nextPowerOfTwo(Math.max(...parts.map((p) => p.family.base.width)));
  const size = rows * cols;
  const offsets = parts.reduce((s, p) => s + p.family.offsets.p.length, 0);
  const direct = vectors * offsets * shape.channels * shape.height * shape.width;
  const transforms = parts.length * shape.channels + vectors * (parts.length + Math.ceil(shape.channels / 2));
  return transforms * 5 * size * Math.log2(size) < direct;
}
