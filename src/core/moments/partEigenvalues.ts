import { symmetricEigen } from '../linalg/symmetricEigen';

/**
 * Top-k covariance eigenvalues of a part [start, end) of a weighted outcome set (its weights renormalised to v), from
 * the whole set's centred weighted Gram matrix G_ij = sqrt(w_i w_j) <y_i - mu, y_j - mu> alone, with no pass over the
 * pixels: with C_ij = <y_i - mu, y_j - mu>, the part's mean is mu_S = mu + sum_S v_k (y_k - mu), so
 * <y_i - mu_S, y_j - mu_S> = C_ij - b_i - b_j + c with b_i = sum_S v_k C_ik and c = sum_S v_k b_k.
 * Eigenvalues below 1e-6 of the part's trace (the rounding level of a float32 product) are left out.
 */
export function partEigenvalues(gram: Float64Array, weights: readonly number[], [start, end]: readonly [number, number], k: number): number[] {
  const n = weights.length;
  const m = end - start;
  const total = weights.slice(start, end).reduce((s, w) => s + w, 0);
  const v = weights.slice(start, end).map((w) => w / total);
  const c = (i: number, j: number) => gram[(start + i) * n + start + j] / Math.sqrt(weights[start + i] * weights[start + j]);
  const b = Array.from({ length: m }, (_, i) => v.reduce((s, vk, t) => s + vk * c(i, t), 0));
  const cc = v.reduce((s, vk, t) => s + vk * b[t], 0);
  const part = new Float64Array(m * m);
  let trace = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) part[i * m + j] = part[j * m + i] = Math.sqrt(v[i] * v[j]) * ((c(i, j) + c(j, i)) / 2 - b[i] - b[j] + cc);
    trace += part[i * m + i];
  }
  const { values } = symmetricEigen(part, m, { vectors: false });
  return Array.from(values.subarray(0, Math.min(k, m))).filter((x) => x > 1e-6 * trace);
}
