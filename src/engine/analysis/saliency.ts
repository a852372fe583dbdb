import type { Shape } from '../../core/augment/mixture';
import { directionalCurvature } from '../../core/alignment';
import type { Image } from '../../core/image';
import type { CovarianceEigen } from '../../core/moments/covarianceEigen';
import { dot } from '../../core/moments/topEigen';
import { crossEntropy } from '../../core/outputs/classifier';
import type { CleanPrediction } from '../../core/outputs/outputMoments';
import { blockSaliency, blockSaliencyPasses, defaultBlock, FINITE_DIFFERENCES, type GradientModel } from '../../model/gradient';
import type { ForwardModel } from './forward';
import { eigenProbes, imageOf, lossExpansionByDifferences, type LossExpansion } from './analytic';
import type { SizedModel } from './openModel';
import type { GradientMode } from '../contract/report';

export interface Saliency {
  /** 'graph': reverse mode through the ONNX graph; otherwise the finite-difference label. */
  readonly method: string;
  readonly requested: GradientMode;
  /** Why finite differences stand in for the graph ('auto' only), or null. */
  readonly fallbackReason: string | null;
  /** Images evaluated: forward passes (finite differences) or gradient-graph runs. */
  readonly evaluations: number;
  /** dLoss/dImage at the clean image, CHW at the clean image's size. */
  readonly atClean: Float32Array;
  /** dLoss/dImage at the mean image E[T(x)], CHW at the policy output's size. */
  readonly atMean: Float32Array;
  readonly expansion: LossExpansion | null;
}

/** No saliency, and why. */
export interface SaliencySkipped {
  readonly requested: GradientMode;
  readonly skipped: string;
}

export interface SaliencyInputs {
  readonly img: Image;
  readonly mean: Float64Array;
  readonly shape: Shape;
  readonly eigen: CovarianceEigen | null;
  readonly clean: CleanPrediction;
  /** Most forward passes the finite differences may make (--budget). */
  readonly budget: number;
  /** Pixel step of the differences along the eigenvectors ([0, 1] units, RMS). */
  readonly pixelStep: number;
}

/**
 * Saliency at the clean and the mean image, and the loss expansion along the covariance eigenvectors. With the
 * gradient graph: g . v_k exactly and v_k^T H v_k by differences of the gradient, (g(mu + h v) - g(mu - h v)) . v / 2h.
 * With finite differences ('fd', or 'auto' when the graph cannot be built): loss differences along the eigenvectors
 * and block-averaged maps, the blocks coarsened until everything fits the budget, or skipped when even one block per
 * channel would not. 'none', and 'graph' on a graph that cannot be differentiated, give no saliency.
 */
export async function computeSaliency(mode: GradientMode, model: SizedModel, forward: ForwardModel, inputs: SaliencyInputs): Promise<Saliency | SaliencySkipped> {
  if (mode === 'none') return { requested: mode, skipped: 'switched off (--gradient none)' };
  const graph = mode === 'fd' ? null : await model.gradientModel();
  if (graph && 'error' in graph && mode === 'graph') return { requested: mode, skipped: `--gradient graph: ${graph.error}` };
  if (graph && !('error' in graph)) return graphSaliency(mode, graph, inputs);
  const fallbackReason = graph && 'error' in graph ? graph.error : null;
  return differenceSaliency(mode, fallbackReason, forward, inputs);
}

async function graphSaliency(mode: GradientMode, graph: GradientModel, inputs: SaliencyInputs): Promise<Saliency> {
  const { img, mean, shape, eigen, clean } = inputs;
  const h = 1e-2 * Math.sqrt(mean.length);
  const probes = eigen ? eigenProbes(mean, shape, eigen, h) : [];
  const results = await graph.evaluate([img, imageOf(shape, mean), ...probes], { target: clean.target });
  const [atClean, atMean, ...around] = results;
  const expansion = eigen && {
    lossAtMean: atMean.value,
    derivatives: eigen.vectors.map((v) => dot(atMean.gradient, v)),
    curvatures: eigen.vectors.map((v, k) => directionalCurvature(v, around[2 * k].gradient, around[2 * k + 1].gradient, h)),
    step: h,
  };
  return { method: graph.method, requested: mode, fallbackReason: null, evaluations: results.length, atClean: atClean.gradient, atMean: atMean.gradient, expansion };
}

async function differenceSaliency(
  mode: GradientMode,
  fallbackReason: string | null,
  forward: ForwardModel,
  inputs: SaliencyInputs,
): Promise<Saliency | SaliencySkipped> {
  const { img, mean, shape, eigen, clean, budget, pixelStep } = inputs;
  const expansionPasses = eigen ? 1 + 2 * eigen.vectors.length : 0;
  const mapPasses = (block: number) =>
    blockSaliencyPasses(img.channels, img.height, img.width, block) + blockSaliencyPasses(shape.channels, shape.height, shape.width, block);
  const largest = Math.max(img.height, img.width, shape.height, shape.width);
  let block = Math.max(defaultBlock(img.height, img.width), defaultBlock(shape.height, shape.width));
  while (block < largest && expansionPasses + mapPasses(block) > budget) block++;
  const needed = expansionPasses + mapPasses(block);
  const label = mode === 'fd' ? `${FINITE_DIFFERENCES} (requested with --gradient fd)` : `${FINITE_DIFFERENCES} (fallback: the gradient graph is unavailable)`;
  if (needed > budget) {
    const why = fallbackReason ? `the gradient graph is unavailable (${fallbackReason}) and ` : '';
    return { requested: mode, skipped: `${why}finite differences need at least ${needed} forward passes, over the budget of ${budget} (--budget)` };
  }
  const objective = async (images: readonly Image[]) => (await forward.run(images)).map((r) => crossEntropy(r, clean.kind, clean.target));
  const expansion = eigen ? await lossExpansionByDifferences(mean, shape, eigen, forward, clean.kind, clean.target, pixelStep) : null;
  const options = { pixelStep: Math.max(pixelStep, 1e-2), block };
  return {
    method: label,
    requested: mode,
    fallbackReason,
    evaluations: needed,
    atClean: (await blockSaliency(objective, img, options)).gradient,
    atMean: (await blockSaliency(objective, imageOf(shape, mean), options)).gradient,
    expansion,
  };
}
