import type { Shape } from '../../core/augment/mixture';
import { createImage, type Image } from '../../core/image';
import type { CovarianceEigen } from '../../core/moments/covarianceEigen';
import { crossEntropy, type OutputKind } from '../../core/outputs/classifier';
import type { ForwardModel } from './forward';

/** The loss near the mean image mu along the covariance eigenvectors: value, slopes g . v_k and curvatures v_k^T H v_k. */
export interface LossExpansion {
  readonly lossAtMean: number;
  readonly derivatives: number[];
  readonly curvatures: number[];
  readonly step: number;
}

export function imageOf(shape: Shape, values: ArrayLike<number>): Image {
  return createImage(shape.channels, shape.height, shape.width, Float32Array.from(values));
}

/** mu + t v, for each eigenvector v and t = +h, -h in turn. */
export function eigenProbes(mean: Float64Array, shape: Shape, eigen: CovarianceEigen, h: number): Image[] {
  return eigen.vectors.flatMap((v) => [h, -h].map((t) => imageOf(shape, mean.map((m, i) => m + t * v[i]))));
}

/**
 * Central differences of the loss along each eigenvector, two forward passes each (the fallback when the model's
 * gradient graph is unavailable): g . v = (L(mu + h v) - L(mu - h v)) / 2h and
 * v^T H v = (L(mu + h v) - 2 L(mu) + L(mu - h v)) / h^2. The step moves each pixel by about `pixelStep` in RMS.
 */
export async function lossExpansionByDifferences(
  mean: Float64Array,
  shape: Shape,
  eigen: CovarianceEigen,
  model: ForwardModel,
  kind: OutputKind,
  target: number,
  pixelStep: number,
): Promise<LossExpansion> {
  const h = pixelStep * Math.sqrt(mean.length);
  const rows = await model.run([imageOf(shape, mean), ...eigenProbes(mean, shape, eigen, h)]);
  const losses = rows.map((r) => crossEntropy(r, kind, target));
  const [l0] = losses;
  return {
    lossAtMean: l0,
    derivatives: eigen.vectors.map((_, k) => (losses[1 + 2 * k] - losses[2 + 2 * k]) / (2 * h)),
    curvatures: eigen.vectors.map((_, k) => (losses[1 + 2 * k] - 2 * l0 + losses[2 + 2 * k]) / (h * h)),
    step: h,
  };
}
