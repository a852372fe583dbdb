/**
 * v^T H v from two gradients of the loss: v . (g(mu + h v) - g(mu - h v)) / 2h, the central difference of the
 * directional derivative (exact for a quadratic loss).
 */
export function directionalCurvature(v: ArrayLike<number>, gradientPlus: ArrayLike<number>, gradientMinus: ArrayLike<number>, h: number): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * (gradientPlus[i] - gradientMinus[i]);
  return s / (2 * h);
}

/**
 * The second-order term of E[loss] around the mean image mu: E[L(T(x))] ~ L(mu) + 1/2 tr(H Cov), and over the
 * top eigenpairs tr(H Cov) = sum_k lambda_k v_k^T H v_k (the first-order term vanishes since E[T(x) - mu] = 0).
 */
export function secondOrderMeanCorrection(eigenvalues: readonly number[], curvatures: readonly number[]): number {
  if (eigenvalues.length !== curvatures.length) throw new Error(`${eigenvalues.length} eigenvalues for ${curvatures.length} curvatures`);
  return 0.5 * eigenvalues.reduce((s, lambda, k) => s + lambda * curvatures[k], 0);
}
