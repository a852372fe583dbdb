import type { Shape } from '../../core/augment/mixture';
import { directionalCurvature } from '../../core/alignment';
import type { Image } from '../../core/image';
import type { CovarianceEigen } from '../../core/moments/covarianceEigen';
import { dot } from '../../core/moments/topEigen';
import { crossEntropy } from '../../core/outputs/classifier';
import type { CleanPrediction } from '../../core/outputs/outputMoments';
import { blockSaliency, FALLBACK_METHOD } from '../../model/gradient';
import type { ForwardModel } from './forward';
import { eigenProbes, imageOf, lossExpansionByDifferences, type LossExpansion } from './analytic';
import type { OpenedModel } from './openModel';

export type GradientMode = 'auto' | 'graph' | 'fd';

export interface Saliency {
  /** 'graph': reverse mode through the ONNX graph; otherwise the finite-difference fallback's label. */
  readonly method: string;
  /** Why the fallback was used (the unsupported operators), or null. */
  readonly fallbackReason: string | null;
  /** dLoss/dImage at the clean image, CHW at the clean image's size. */
  readonly atClean: Float32Array;
  /** dLoss/dImage at the mean image E[T(x)], CHW at the policy output's size. */
  readonly atMean: Float32Array;
  readonly expansion: LossExpansion | null;
}

/**
 * Saliency at the clean and the mean image, and the loss expansion along the covariance eigenvectors. With the
 * gradient graph: g . v_k exactly and v_k^T H v_k by differences of the gradient, (g(mu + h v) - g(mu - h v)) . v / 2h.
 * Without it (unsupported operators, or mode 'fd'): loss differences, and block-averaged saliency maps.
 */
export async function computeSaliency(
  mode: GradientMode,
  model: OpenedModel,
  forward: ForwardModel,
  img: Image,
  mean: Float64Array,
  shape: Shape,
  eigen: CovarianceEigen | null,
  clean: CleanPrediction,
): Promise<Saliency> {
  const pixelStep = model.info.input.dtype === 'float16' ? 2e-2 : 2e-3;
  const graph = mode === 'fd' ? null : await model.gradientModel();
  if (graph && 'error' in graph && mode === 'graph') throw new Error(graph.error);
  const meanImage = imageOf(shape, mean);
  if (graph && !('error' in graph)) {
    const h = 1e-2 * Math.sqrt(mean.length);
    const probes = eigen ? eigenProbes(mean, shape, eigen, h) : [];
    const results = await graph.evaluate([img, meanImage, ...probes], { target: clean.target });
    const [atClean, atMean, ...around] = results;
    const expansion = eigen && {
      lossAtMean: atMean.value,
      derivatives: eigen.vectors.map((v) => dot(atMean.gradient, v)),
      curvatures: eigen.vectors.map((v, k) => directionalCurvature(v, around[2 * k].gradient, around[2 * k + 1].gradient, h)),
      step: h,
    };
    return { method: 'graph', fallbackReason: null, atClean: atClean.gradient, atMean: atMean.gradient, expansion };
  }
  const objective = async (images: readonly Image[]) => (await forward.run(images)).map((r) => crossEntropy(r, clean.kind, clean.target));
  const expansion = eigen ? await lossExpansionByDifferences(mean, shape, eigen, forward, clean.kind, clean.target, pixelStep) : null;
  const options = { pixelStep: Math.max(pixelStep, 1e-2) };
  return {
    method: FALLBACK_METHOD,
    fallbackReason: mode === 'fd' ? 'finite differences were requested (--gradient fd)' : graph && 'error' in graph ? graph.error : null,
    atClean: (await blockSaliency(objective, img, options)).gradient,
    atMean: (await blockSaliency(objective, meanImage, options)).gradient,
    expansion,
  };
}
