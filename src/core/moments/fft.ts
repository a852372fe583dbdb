/** In-place radix-2 complex FFT of a rows x cols array (both powers of two), row-major re/im planes. */
export function fft2d(re: Float64Array, im: Float64Array, rows: number, cols: number, inverse: boolean): void {
  const rowPlan = plan(cols);
  for (let r = 0; r < rows; r++) fft1d(re, im, r * cols, 1, rowPlan, inverse);
  // Columns are gathered into a contiguous buffer: strided butterflies thrash the cache.
  const colPlan = plan(rows);
  const tr = new Float64Array(rows);
  const ti = new Float64Array(rows);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      tr[r] = re[r * cols + c];
      ti[r] = im[r * cols + c];
    }
    fft1d(tr, ti, 0, 1, colPlan, inverse);
    for (let r = 0; r < rows; r++) {
      re[r * cols + c] = tr[r];
      im[r * cols + c] = ti[r];
    }
  }
  if (inverse) {
    const scale = 1 / (rows * cols);
    for (let i = 0; i < re.length; i++) {
      re[i] *= scale;
      im[i] *= scale;
    }
  }
}

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

function fft1d(re: Float64Array, im: Float64Array, start: number, stride: number, p: Plan, inverse: boolean): void {
  const { n, reversed, cos, sin } = p;
  for (let i = 0; i < n; i++) {
    const j = reversed[i];
    if (j > i) {
      const a = start + i * stride;
      const b = start + j * stride;
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
        const a = start + (s + k) * stride;
        const b = a + half * stride;
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
