/**
 * Monte-Carlo draws needed for a relative L2 error eps of the mean image: E||mu_N - mu||^2 = tr(Cov) / N
 * (docs/math.md, section 5), so N = tr(Cov) / (eps^2 ||mu||^2).
 */
export function samplesForMeanImage(totalVariance: number, mean: ArrayLike<number>, eps: number): number {
  let norm2 = 0;
  for (let i = 0; i < mean.length; i++) norm2 += mean[i] * mean[i];
  if (norm2 === 0) return totalVariance === 0 ? 1 : Infinity;
  return Math.max(1, Math.ceil(totalVariance / (eps * eps * norm2)));
}
