/**
 * |g_i| sqrt(Var_i) per element (CHW): the standard deviation of the first-order loss change caused by pixel i
 * alone, where saliency meets the augmentation's variability. Its sum bounds the first-order Std[loss] =
 * Std[sum_i g_i x_i] from above (the standard deviation of a sum is at most the sum of the standard deviations).
 */
export function saliencyVarianceMap(gradient: ArrayLike<number>, variance: ArrayLike<number>): Float32Array {
  if (gradient.length !== variance.length) throw new Error(`gradient has ${gradient.length} values, the variance map ${variance.length}`);
  return Float32Array.from(gradient, (g, i) => Math.abs(g) * Math.sqrt(Math.max(0, variance[i])));
}
