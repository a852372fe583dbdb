import type { Mixture } from '../augment/mixture';
import { outcomeGram, type Mirror } from './gram';
import type { PixelMoments } from './pixelMoments';
import { dot, fixSign, topEigen, type BlockOperator, type EigenPairs } from './topEigen';
import { symmetricEigen } from '../linalg/symmetricEigen';
import { combineOutcomes, outcomeOperator } from './outcomeOperator';

export interface CovarianceEigen {
  /** Top eigenvalues of Cov[T(x)], descending. */
  readonly values: number[];
  /** Matching unit eigenvectors (CHW), orthonormal. */
  readonly vectors: Float64Array[];
  /** lambda_i / tr Cov. */
  readonly explained: number[];
  /** Largest ||Cov v - lambda v|| / lambda_1 of the returned pairs. */
  readonly residual: number;
  /** 'gram': from the n x n outcome Gram matrix; 'matrix-free': Krylov on Cov applied outcome by outcome. */
  readonly method: 'gram' | 'matrix-free';
}

/**
 * Outcome sets up to this size have their Gram matrix eigen-decomposed whole (O(n^3), a few milliseconds at 200):
 * cheaper than the Krylov iteration's repeated Rayleigh-Ritz steps there, and exact to rounding.
 */
const DENSE_EIGEN_LIMIT = 256;

/** Largest outcome count for which the dense Gram matrix is formed (6000^2 doubles: 288 MB). */
export const DEFAULT_GRAM_LIMIT = 6000;

export interface EigenOptions {
  readonly k: number;
  /** Largest outcome count for which the dense Gram matrix is formed. */
  readonly gramLimit?: number;
  readonly tolerance?: number;
  /** Progress of the matrix-free route (the Gram route is quick once its matrix is formed). */
  readonly onProgress?: (fraction: number, message: string) => void;
}

/**
 * Top-k eigenpairs of Cov = A A^T, A = [sqrt(w_i) (y_i - mu)] (docs/math.md, section 1), never forming the D x D matrix.
 * Gram route: the eigenpairs (lambda, u) of A^T A give v = A u / sqrt(lambda); A^T A is the outcome Gram matrix
 * centred: <y_i - mu, y_j - mu> = <y_i, y_j> - <y_i, mu> - <y_j, mu> + <mu, mu>.
 */
export function covarianceEigen(m: Mixture, moments: PixelMoments, opts: EigenOptions): CovarianceEigen {
  const weights = m.families.flatMap((f) => Array.from(f.offsets.p, (p) => f.weight * p));
  const n = weights.length;
  const gramLimit = opts.gramLimit ?? DEFAULT_GRAM_LIMIT;
  const k = Math.min(opts.k, n);
  const raw = n <= gramLimit ? viaGram(m, moments, weights, k, opts.tolerance) : matrixFree(m, moments, k, opts.tolerance, opts.onProgress);
  // Centring cancels E||y||^2 down to tr Cov: eigenvalues below its rounding level are zero.
  const floor = 1e-11 * (moments.totalVariance + dot(moments.mean, moments.mean));
  const keep = raw.values.filter((v) => v > floor).length;
  const values = raw.values.slice(0, keep);
  return {
    ...raw,
    values,
    vectors: raw.vectors.slice(0, keep),
    explained: values.map((v) => v / moments.totalVariance),
  };
}

function viaGram(m: Mixture, moments: PixelMoments, weights: number[], k: number, tolerance?: number) {
  const { gram, size: n, mirrors } = outcomeGram(m);
  const mu = moments.mean;
  // <y_i, mu> = sum_j w_j <y_i, y_j> since mu = sum_j w_j y_j.
  const muDots = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) muDots[i] += weights[j] * gram[i * n + j];
  const muNorm2 = dot(mu, mu);
  const sw = weights.map(Math.sqrt);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      gram[i * n + j] = sw[i] * sw[j] * (gram[i * n + j] - muDots[i] - muDots[j] + muNorm2);
    }
  }
  const mirror = isMirrorPair(m, mirrors, weights) ? mirrors[1] : null;
  const paired = mirror ? mirrorPairEigen(gram, n, k, tolerance) : null;
  const small = paired ?? symmetricTopEigen(gram, n, k, tolerance);
  const coefs = small.vectors.map((u, idx) => Float64Array.from(u, (ui, i) => (ui * sw[i]) / Math.sqrt(small.values[idx])));
  const combined = mirror && paired ? combineMirrorPair(m, moments, coefs, paired.signs, mirror.horizontal) : combineOutcomes(m, moments, coefs);
  const vectors = combined.map(fixSign);
  return { values: small.values, vectors, residual: small.residual, method: 'gram' as const };
}

/**
 * v = sum_i c_i (y_i - mu) for a mirror pair, whose coefficients repeat on the mirrored half up to a sign s:
 * v = w + s F w with w = sum over the first family alone (F mu = mu), so only half the outcomes are combined.
 */
function combineMirrorPair(m: Mixture, moments: PixelMoments, coefs: readonly Float64Array[], signs: readonly number[], horizontal: boolean): Float64Array[] {
  const h = m.families[0].offsets.p.length;
  const halves = combineOutcomes({ shape: m.shape, families: [m.families[0]] }, moments, coefs.map((c) => c.subarray(0, h)));
  const { channels, height, width } = m.shape;
  return halves.map((w, idx) => {
    const sign = signs[idx];
    const v = new Float64Array(w.length);
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < height; y++) {
        const row = (c * height + y) * width;
        const mirrored = horizontal ? row : (c * height + height - 1 - y) * width;
        for (let x = 0; x < width; x++) v[row + x] = w[row + x] + sign * w[mirrored + (horizontal ? width - 1 - x : x)];
      }
    }
    return v;
  });
}

/** Two families, the second the mirror image of the first outcome by outcome, with the same weights (a flip with p = 1/2). */
function isMirrorPair(m: Mixture, mirrors: readonly (Mirror | null)[], weights: readonly number[]): boolean {
  if (m.families.length !== 2 || mirrors[1]?.of !== 0) return false;
  const h = weights.length / 2;
  for (let i = 0; i < h; i++) if (weights[i] !== weights[h + i]) return false;
  return true;
}

/**
 * A flip pairs every outcome y_i with its mirror image F y_i at the same weight, so the centred Gram matrix is
 * [[K, X], [X, K]] with X symmetric (<y_i, F y_j> = <y_j, F y_i>, F a symmetric involution): its eigenvectors are
 * [u; u] / sqrt 2 with u an eigenvector of K + X (mirror-symmetric eigen-images) and [u; -u] / sqrt 2 with u one of
 * K - X (antisymmetric ones). Two half-size problems: a quarter of the work of a dense one.
 */
function mirrorPairEigen(gram: Float64Array, n: number, k: number, tolerance?: number): EigenPairs & { readonly signs: number[] } {
  const h = n / 2;
  const even = new Float64Array(h * h);
  const odd = new Float64Array(h * h);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < h; j++) {
      const same = (gram[i * n + j] + gram[(h + i) * n + h + j]) / 2;
      const cross = (gram[i * n + h + j] + gram[j * n + h + i]) / 2;
      even[i * h + j] = same + cross;
      odd[i * h + j] = same - cross;
    }
  }
  const halves = [symmetricTopEigen(even, h, k, tolerance), symmetricTopEigen(odd, h, k, tolerance)];
  const pairs = halves.flatMap((half, sign) =>
    half.values.map((value, idx) => {
      const u = half.vectors[idx];
      const v = new Float64Array(n);
      for (let i = 0; i < h; i++) {
        v[i] = u[i] / Math.SQRT2;
        v[h + i] = (sign === 0 ? u[i] : -u[i]) / Math.SQRT2;
      }
      return { value, vector: v, sign: sign === 0 ? 1 : -1 };
    }),
  );
  pairs.sort((a, b) => b.value - a.value);
  const top = pairs.slice(0, k);
  const lambda1 = top[0]?.value ?? 0;
  // Each half's residual is relative to its own largest eigenvalue: rescale to the whole matrix's.
  const residual = lambda1 > 0 ? Math.max(...halves.map((half) => (half.residual * (half.values[0] ?? 0)) / lambda1)) : 0;
  return {
    values: top.map((p) => p.value),
    vectors: top.map((p) => p.vector),
    signs: top.map((p) => p.sign),
    residual,
    operatorApplications: halves[0].operatorApplications + halves[1].operatorApplications,
  };
}

/** Top-k eigenpairs of a dense symmetric PSD matrix (row-major n x n): whole when small, else block Krylov. */
function symmetricTopEigen(matrix: Float64Array, n: number, k: number, tolerance?: number): EigenPairs {
  const apply: BlockOperator = (block) =>
    block.map((x) => {
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let acc = 0;
        const row = i * n;
        for (let j = 0; j < n; j++) acc += matrix[row + j] * x[j];
        y[i] = acc;
      }
      return y;
    });
  return n <= DENSE_EIGEN_LIMIT ? denseTopEigen(matrix, n, k, apply) : topEigen(apply, n, k, { tolerance: tolerance ?? 1e-10 });
}

/**
 * Krylov on Cov = A W A^T without its Gram matrix, in the smaller of the two spaces: on the outcomes (K = W^1/2 A^T A
 * W^1/2, v = A W^1/2 u / sqrt(lambda)) when there are fewer outcomes than values, else on the values.
 */
function matrixFree(m: Mixture, moments: PixelMoments, k: number, tolerance: number | undefined, onProgress: EigenOptions['onProgress']) {
  const op = outcomeOperator(m, moments);
  const weights = Float64Array.from(m.families.flatMap((f) => Array.from(f.offsets.p, (p) => f.weight * p)));
  const sw = weights.map(Math.sqrt);
  const d = moments.mean.length;
  const outcomeSpace = op.outcomes <= d;
  const apply: BlockOperator = outcomeSpace
    ? (block) => op.combine(block.map((u) => u.map((x, i) => x * sw[i]))).map((z) => op.dots(z).map((t, i) => t * sw[i]))
    : (block) => op.combine(block.map((v) => op.dots(v).map((t, i) => t * weights[i])));
  const maxBasis = 20 * (k + 6);
  const onIteration = onProgress && ((basis: number, limit: number) => onProgress(basis / limit, `eigenpairs: Krylov basis ${basis} of at most ${limit}`));
  const res = topEigen(apply, outcomeSpace ? op.outcomes : d, k, { tolerance: tolerance ?? 1e-9, maxBasis, onIteration });
  const vectors = outcomeSpace
    ? op.combine(res.vectors.map((u, idx) => Float64Array.from(u, (ui, i) => (ui * sw[i]) / Math.sqrt(res.values[idx])))).map(fixSign)
    : res.vectors;
  return { values: res.values, vectors, residual: res.residual, method: 'matrix-free' as const };
}

/** Estimated multiply-adds of the matrix-free route for k pairs: every Krylov vector through A and A^T, and its basis. */
export function matrixFreeCost(m: Mixture, moments: PixelMoments, k: number): number {
  const op = outcomeOperator(m, moments);
  const basis = 20 * (k + 6);
  return basis * op.costPerVector + basis * basis * Math.min(op.outcomes, moments.mean.length) * 2;
}

/** Top-k eigenpairs of a small dense symmetric PSD matrix (row-major n x n), with the Krylov route's residual measure. */
function denseTopEigen(matrix: Float64Array, n: number, k: number, apply: BlockOperator): EigenPairs {
  const evd = symmetricEigen(matrix, n);
  const lambda1 = Math.max(evd.values[0] ?? 0, 0);
  const top = Array.from(evd.values.subarray(0, k)).filter((v) => v > lambda1 * 1e-13 && v > 0);
  const vectors = top.map((_, idx) => fixSign(evd.vectors.slice(idx * n, (idx + 1) * n)));
  const images = apply(vectors);
  let residual = 0;
  top.forEach((value, idx) => {
    let r = 0;
    for (let i = 0; i < n; i++) r += (images[idx][i] - value * vectors[idx][i]) ** 2;
    residual = Math.max(residual, Math.sqrt(r) / lambda1);
  });
  return { values: top, vectors, residual, operatorApplications: top.length };
}
