import { symmetricEigen } from '../linalg/symmetricEigen';
import { createRng } from '../rng';

/** y_j = A x_j for a block of vectors: a symmetric positive semi-definite operator of size n. */
export type BlockOperator = (block: readonly Float64Array[]) => Float64Array[];

export interface EigenPairs {
  /** Descending, non-negative. */
  readonly values: number[];
  /** Unit vectors, orthonormal. */
  readonly vectors: Float64Array[];
  /** max_i ||A v_i - lambda_i v_i|| / lambda_1 at the end. */
  readonly residual: number;
  readonly operatorApplications: number;
}

export interface TopEigenOptions {
  readonly tolerance?: number;
  readonly maxBasis?: number;
  readonly seed?: number;
  /** Called after each block is applied, with the basis size and its limit. */
  readonly onIteration?: (basis: number, maxBasis: number) => void;
}

/**
 * Top-k eigenpairs of a symmetric PSD operator by block Krylov iteration with full re-orthogonalisation and
 * Rayleigh-Ritz on the whole basis (the small projected problem solved densely, symmetricEigen). Stops when every wanted
 * Ritz pair has residual <= tolerance * lambda_1, or when the basis spans the operator's range (then exact).
 */
export function topEigen(apply: BlockOperator, n: number, k: number, opts: TopEigenOptions = {}): EigenPairs {
  const tolerance = opts.tolerance ?? 1e-8;
  const blockSize = Math.min(n, k + 6);
  const maxBasis = Math.min(n, opts.maxBasis ?? Math.max(12 * blockSize, 120));
  const rng = createRng(opts.seed ?? 12345);
  const basis: Float64Array[] = [];
  const images: Float64Array[] = [];
  let block: readonly Float64Array[] = Array.from({ length: blockSize }, () => Float64Array.from({ length: n }, () => rng.next() - 0.5));
  let applications = 0;
  let result: EigenPairs | null = null;
  // The dense Ritz problem costs O(m^3): check convergence from the third block on, every second block.
  for (let iteration = 1; ; iteration++) {
    const fresh = orthonormalizeAgainst(block, basis);
    if (fresh.length === 0) break;
    const applied = apply(fresh);
    applications += fresh.length;
    basis.push(...fresh);
    images.push(...applied);
    opts.onIteration?.(basis.length, maxBasis);
    result = null;
    const full = basis.length >= maxBasis;
    if (full || (iteration >= 3 && iteration % 2 === 1)) {
      result = rayleighRitz(basis, images, k, applications);
      if (result.residual <= tolerance || full) break;
    }
    block = applied;
  }
  return result ?? rayleighRitz(basis, images, k, applications);
}

function rayleighRitz(basis: Float64Array[], images: Float64Array[], k: number, applications: number): EigenPairs {
  const m = basis.length;
  const t = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) t[i * m + j] = t[j * m + i] = (dot(basis[i], images[j]) + dot(basis[j], images[i])) / 2;
  }
  const ritz = symmetricEigen(t, m);
  const n = basis[0].length;
  const lambda1 = Math.max(ritz.values[0] ?? 0, 0);
  const values: number[] = [];
  const vectors: Float64Array[] = [];
  let residual = 0;
  for (let idx = 0; idx < Math.min(k, m); idx++) {
    const value = ritz.values[idx];
    if (value <= lambda1 * 1e-13 || value <= 0) break;
    const v = new Float64Array(n);
    const av = new Float64Array(n);
    for (let j = 0; j < m; j++) {
      const c = ritz.vectors[idx * m + j];
      axpy(v, basis[j], c);
      axpy(av, images[j], c);
    }
    axpy(av, v, -value);
    residual = Math.max(residual, Math.sqrt(dot(av, av)) / lambda1);
    values.push(value);
    vectors.push(fixSign(v));
  }
  return { values, vectors, residual, operatorApplications: applications };
}

/** Gram-Schmidt twice against the basis and the block itself; drops vectors that are (numerically) dependent. */
function orthonormalizeAgainst(block: readonly Float64Array[], basis: readonly Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const src of block) {
    const v = Float64Array.from(src);
    const before = Math.sqrt(dot(v, v));
    if (before === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) axpy(v, q, -dot(v, q));
      for (const q of out) axpy(v, q, -dot(v, q));
    }
    const norm = Math.sqrt(dot(v, v));
    if (norm > 1e-10 * before) {
      for (let i = 0; i < v.length; i++) v[i] /= norm;
      out.push(v);
    }
  }
  return out;
}

/** Eigenvectors are defined up to sign: make the entry of largest magnitude positive. */
export function fixSign(v: Float64Array): Float64Array {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[best])) best = i;
  if (v[best] < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i];
  return v;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(y: Float64Array, x: ArrayLike<number>, a: number): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}
