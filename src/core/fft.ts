/**
 * In-place discrete Fourier transforms X_k = sum_n x_n exp(-+2 pi i k n / N) of (re, im) for any length: radix-2 with
 * cached twiddles for powers of two, Bluestein's chirp-z (a convolution done with power-of-two transforms) otherwise.
 * Inverse transforms are scaled by 1/N.
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new Error(`fft: ${n} real parts, ${im.length} imaginary parts`);
  if (n <= 1) return;
  if ((n & (n - 1)) === 0) radix2(re, im, 0, 1, plan(n), inverse);
  else bluestein(re, im, inverse);
  if (inverse) scale(re, im, 1 / n);
}

/**
 * The 2-D transform of a rows x cols plane (row-major), in place: rows, then columns. With power-of-two sides the
 * column transforms run together (radix2's interleaved vectors), instead of column by column.
 */
export function fft2d(re: Float64Array, im: Float64Array, rows: number, cols: number, inverse = false): void {
  if (isPowerOfTwo(rows) && isPowerOfTwo(cols)) {
    const p = plan(cols);
    for (let y = 0; y < rows; y++) radix2(re, im, y * cols, 1, p, inverse);
    radix2(re, im, 0, cols, plan(rows), inverse);
    if (inverse) scale(re, im, 1 / (rows * cols));
    return;
  }
  const rowRe = new Float64Array(cols);
  const rowIm = new Float64Array(cols);
  for (let y = 0; y < rows; y++) {
    rowRe.set(re.subarray(y * cols, (y + 1) * cols));
    rowIm.set(im.subarray(y * cols, (y + 1) * cols));
    fft(rowRe, rowIm, inverse);
    re.set(rowRe, y * cols);
    im.set(rowIm, y * cols);
  }
  const colRe = new Float64Array(rows);
  const colIm = new Float64Array(rows);
  for (let x = 0; x < cols; x++) {
    for (let y = 0; y < rows; y++) {
      colRe[y] = re[y * cols + x];
      colIm[y] = im[y * cols + x];
    }
    fft(colRe, colIm, inverse);
    for (let y = 0; y < rows; y++) {
      re[y * cols + x] = colRe[y];
      im[y * cols + x] = colIm[y];
    }
  }
}

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

interface Plan {
  readonly n: number;
  readonly reversed: Int32Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}

const plans = new Map<number, Plan>();

function plan(n: number): Plan {
  let p = plans.get(n);
  if (!p) {
    const bits = Math.log2(n);
    const reversed = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      reversed[i] = r;
    }
    const cos = Float64Array.from({ length: n / 2 }, (_, k) => Math.cos((2 * Math.PI * k) / n));
    const sin = Float64Array.from({ length: n / 2 }, (_, k) => Math.sin((2 * Math.PI * k) / n));
    plans.set(n, (p = { n, reversed, cos, sin }));
  }
  return p;
}

/**
 * Unscaled radix-2 transforms of `width` interleaved vectors of n = p.n values at once: value i of vector x is at
 * start + i * width + x (width 1: one contiguous vector; width = cols: the columns of a row-major plane, each
 * butterfly then running over two whole rows).
 */
function radix2(re: Float64Array, im: Float64Array, start: number, width: number, p: Plan, inverse: boolean): void {
  const { n, reversed, cos, sin } = p;
  for (let i = 0; i < n; i++) {
    const j = reversed[i];
    if (j <= i) continue;
    for (let a = start + i * width, b = start + j * width, end = a + width; a < end; a++, b++) {
      let t = re[a]; re[a] = re[b]; re[b] = t;
      t = im[a]; im[a] = im[b]; im[b] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const step = n / size;
    for (let s = 0; s < n; s += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sign * sin[k * step];
        for (let a = start + (s + k) * width, b = a + half * width, end = a + width; a < end; a++, b++) {
          const tr = wr * re[b] - wi * im[b];
          const ti = wr * im[b] + wi * re[b];
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
  }
}

/** Unscaled X_k = w_k sum_n (x_n w_n) conj(w_{k-n}), w_n = exp(-+i pi n^2 / N): a circular convolution of length >= 2N - 1. */
function bluestein(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  const m = nextPowerOfTwo(2 * n - 1);
  const sign = inverse ? 1 : -1;
  const chirpRe = new Float64Array(n);
  const chirpIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const angle = (sign * Math.PI * ((k * k) % (2 * n))) / n;
    chirpRe[k] = Math.cos(angle);
    chirpIm[k] = Math.sin(angle);
  }
  const aRe = new Float64Array(m);
  const aIm = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    aRe[k] = re[k] * chirpRe[k] - im[k] * chirpIm[k];
    aIm[k] = re[k] * chirpIm[k] + im[k] * chirpRe[k];
  }
  const bRe = new Float64Array(m);
  const bIm = new Float64Array(m);
  bRe[0] = chirpRe[0];
  bIm[0] = -chirpIm[0];
  for (let k = 1; k < n; k++) {
    bRe[k] = bRe[m - k] = chirpRe[k];
    bIm[k] = bIm[m - k] = -chirpIm[k];
  }
  const pm = plan(m);
  radix2(aRe, aIm, 0, 1, pm, false);
  radix2(bRe, bIm, 0, 1, pm, false);
  for (let k = 0; k < m; k++) {
    const r = aRe[k] * bRe[k] - aIm[k] * bIm[k];
    aIm[k] = aRe[k] * bIm[k] + aIm[k] * bRe[k];
    aRe[k] = r;
  }
  radix2(aRe, aIm, 0, 1, pm, true);
  for (let k = 0; k < n; k++) {
    const cr = aRe[k] / m;
    const ci = aIm[k] / m;
    re[k] = cr * chirpRe[k] - ci * chirpIm[k];
    im[k] = cr * chirpIm[k] + ci * chirpRe[k];
  }
}

function scale(re: Float64Array, im: Float64Array, s: number): void {
  for (let i = 0; i < re.length; i++) {
    re[i] *= s;
    im[i] *= s;
  }
}
