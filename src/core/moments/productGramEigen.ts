import { symmetricEigen } from '../linalg/symmetricEigen';
import { outcomes, type Mixture } from '../augment/mixture';
import type { MatrixProduct } from '../linalg/matrixProduct';
import type { CovarianceEigen } from './covarianceEigen';
import { fixSign } from './topEigen';
import { partEigenvalues } from './partEigenvalues';

/** Values of A held in one slice: slices are n x len with n * len at most this. */
const SLICE_VALUES = 1 << 22;

/**
 * Top-k eigenpairs of the covariance of a few hundred whole images (denseGramEigen's job) with every O(n D) pass as
 * matrix products (an onnxruntime MatMul runs them off the JavaScript thread, about 100x faster here): with
 * A = [sqrt(w_i) (y_i - mu)] (n x D, centred first, so a product that rounds to float32 loses nothing to
 * cancellation), G = A A^T summed over slices of the pixels, G = U L U^T, the eigenvectors V^T = L^-1/2 U^T A
 * (docs/math.md, section 1), and the residuals ||Cov v - lambda v|| from Cov V = A^T (A V). `explained` is relative to
 * the set's own trace. `parts` (index ranges) also get their own eigenvalues, read off the same Gram matrix.
 */
export async function productGramEigen(
  m: Mixture,
  k: number,
  product: MatrixProduct,
  parts: readonly (readonly [number, number])[] = [],
): Promise<CovarianceEigen & { readonly partValues: number[][] }> {
  const set = [...outcomes(m)];
  const n = set.length;
  const d = set[0]?.image.data.length ?? 0;
  const mu = new Float64Array(d);
  for (const o of set) for (let t = 0; t < d; t++) mu[t] += o.weight * o.image.data[t];
  // Operands in float32 where the product rounds to it anyway, else in float64 (an exact product stays exact).
  const Values = product.float32 ? Float32Array : Float64Array;
  const len = Math.max(1, Math.min(d, Math.floor(SLICE_VALUES / Math.max(n, 1))));
  const slices = Array.from({ length: Math.ceil(d / len) }, (_, s) => {
    const start = s * len;
    const l = Math.min(len, d - start);
    const a = new Values(n * l);
    set.forEach((o, i) => {
      const sw = Math.sqrt(o.weight);
      const y = o.image.data;
      const row = i * l;
      for (let t = 0; t < l; t++) a[row + t] = sw * (y[start + t] - mu[start + t]);
    });
    return { start, len: l, a };
  });
  const run = (a: Operand, b: Operand, rows: number, inner: number, cols: number) =>
    product.float32 && a instanceof Float32Array && b instanceof Float32Array
      ? product.float32(a, b, rows, inner, cols)
      : product(Float64Array.from(a), Float64Array.from(b), rows, inner, cols);
  const gram = new Float64Array(n * n);
  for (const s of slices) add(gram, product.gram32 && s.a instanceof Float32Array ? await product.gram32(s.a, n, s.len) : await run(s.a, transpose(s.a, n, s.len), n, s.len, n));
  const g = new Float64Array(n * n);
  let trace = 0;
  for (let i = 0; i < n; i++) {
    trace += gram[i * n + i];
    for (let j = 0; j < n; j++) g[i * n + j] = (gram[i * n + j] + gram[j * n + i]) / 2;
  }
  const partValues = parts.map((part) => partEigenvalues(gram, set.map((o) => o.weight), part, k));
  const evd = symmetricEigen(g, n);
  // A product that rounds to float32 leaves eigenvalues below about 1e-6 of the trace indistinguishable from zero.
  const values = Array.from(evd.values.subarray(0, Math.min(k, n))).filter((v) => v > 1e-6 * trace);
  const r = values.length;
  const coef = new Values(r * n);
  values.forEach((v, j) => {
    for (let i = 0; i < n; i++) coef[j * n + i] = evd.vectors[j * n + i] / Math.sqrt(v);
  });
  const vectors = Array.from({ length: r }, () => new Float64Array(d));
  for (const s of slices) {
    const vt = await run(coef, s.a, r, n, s.len);
    for (let j = 0; j < r; j++) vectors[j].set(vt.subarray(j * s.len, (j + 1) * s.len), s.start);
  }
  vectors.forEach(fixSign);
  const av = new Float64Array(n * r);
  for (const s of slices) {
    const v = new Values(s.len * r);
    for (let t = 0; t < s.len; t++) for (let j = 0; j < r; j++) v[t * r + j] = vectors[j][s.start + t];
    add(av, await run(s.a, v, n, s.len, r));
  }
  const avT = transpose(Values.from(av), n, r);
  const residual2 = new Float64Array(r);
  for (const s of slices) {
    const cv = await run(avT, s.a, r, n, s.len);
    for (let j = 0; j < r; j++) for (let t = 0; t < s.len; t++) residual2[j] += (cv[j * s.len + t] - values[j] * vectors[j][s.start + t]) ** 2;
  }
  const residual = r ? Math.max(...Array.from(residual2, (x) => Math.sqrt(x) / values[0])) : 0;
  return { values, vectors, explained: values.map((v) => v / trace), residual, method: 'gram', partValues };
}

function add(into: Float64Array, c: Float64Array): void {
  for (let i = 0; i < into.length; i++) into[i] += c[i];
}

type Operand = Float32Array | Float64Array;

/** The transpose of a row-major rows x cols matrix, in 64 x 64 blocks. */
function transpose<T extends Operand>(a: T, rows: number, cols: number): T {
  const out = new (a.constructor as new (n: number) => T)(a.length);
  const B = 64;
  for (let i0 = 0; i0 < rows; i0 += B) {
    for (let j0 = 0; j0 < cols; j0 += B) {
      const i1 = Math.min(rows, i0 + B);
      const j1 = Math.min(cols, j0 + B);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * rows + i] = a[i * cols + j];
    }
  }
  return out;
}
