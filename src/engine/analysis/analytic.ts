import type { Shape } from '../../core/augment/mixture';
import { createImage, type Image } from '../../core/image';
import type { CovarianceEigen } from '../../core/moments/covarianceEigen';
import { crossEntropy, type OutputKind } from '../../core/outputs/classifier';
import type { ForwardModel } from './forward';

export interface AnalyticEstimate {
  readonly lossAtMean: number;
  readonly directionalDerivatives: number[];
  readonly firstOrderVariance: number;
  readonly step: number;
}

/**
 * The paper's analytic route: Taylor-expand the loss at the mean image mu, so Var[loss] ~ g^T Cov g
 * = sum_k lambda_k (g . v_k)^2 (math notes, section 7), with g . v_k by central differences
 * (L(mu + h v_k) - L(mu - h v_k)) / 2h: two forward passes per eigenvector. The step h moves each pixel by about
 * `pixelStep` in RMS.
 */
export async function analyticLossVariance(
  mean: Float64Array,
  shape: Shape,
  eigen: CovarianceEigen,
  model: ForwardModel,
  kind: OutputKind,
  target: number,
  pixelStep: number,
): Promise<AnalyticEstimate> {
  const h = pixelStep * Math.sqrt(mean.length);
  const toImage = (values: ArrayLike<number>): Image =>
    createImage(shape.channels, shape.height, shape.width, Float32Array.from(values));
  const images: Image[] = [toImage(mean)];
  for (const v of eigen.vectors) {
    images.push(toImage(mean.map((m, i) => m + h * v[i])));
    images.push(toImage(mean.map((m, i) => m - h * v[i])));
  }
  const rows = await model.run(images);
  const losses = rows.map((r) => crossEntropy(r, kind, target));
  const directionalDerivatives = eigen.vectors.map((_, k) => (losses[1 + 2 * k] - losses[2 + 2 * k]) / (2 * h));
  const firstOrderVariance = directionalDerivatives.reduce((s, d, k) => s + eigen.values[k] * d * d, 0);
  return { lossAtMean: losses[0], directionalDerivatives, firstOrderVariance, step: h };
}
