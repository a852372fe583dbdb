import type { Image } from '../../core/image';
import type { ImageMoments } from '../../core/moments/imageMoments';
import type { CleanPrediction } from '../../core/outputs/outputMoments';
import { buildParameterGradientModel } from '../../model/gradient';
import type { LoadedModel } from '../../model/modelInfo';
import type { PreprocessPlan } from '../../model/preprocess';
import type { AnalyzeParams } from '../contract/requests';
import type { Progress } from './forward';
import { OutcomeIndex } from './outcomeIndex';
import { enumeratedOutcomes, latticeOutcomes } from './parameterOutcomes';
import { parameterNoise } from './parameterNoise';
import type { ParameterPool } from './parameterPool';
import type { ParametersReport, SkippedParameters } from '../contract/parameterReport';
import type { ModelQuadrature } from '../contract/report';

export interface ParameterStageInputs {
  readonly info: LoadedModel;
  readonly plan: PreprocessPlan;
  readonly img: Image;
  readonly moments: ImageMoments;
  readonly clean: CleanPrediction;
  /** The randomized rule's run for E[loss] (continuous policies): its final points per replicate are reused. */
  readonly quadrature: ModelQuadrature | null;
}

/**
 * `analyze --parameters`: the gradient noise on the model's parameters over the policy's outcomes (exact, sampled
 * past the budget, or the randomized lattice rule's points), the loss against the clean top-1 or --label. A model
 * the parameter gradient cannot be built for gives the reason instead. `pool` collects E[g] across images.
 */
export async function parameterGradients(
  inputs: ParameterStageInputs,
  params: AnalyzeParams,
  progress: Progress,
  pool?: ParameterPool,
): Promise<ParametersReport | SkippedParameters> {
  let model;
  try {
    model = await buildParameterGradientModel(inputs.info, inputs.plan, { threads: params.threads });
  } catch (err) {
    return { skipped: (err as Error).message };
  }
  try {
    const { moments, img, clean, quadrature } = inputs;
    const outcomes = moments.quadrature
      ? latticeOutcomes(moments.step, img, quadrature ? quadrature.levels[quadrature.levels.length - 1].nodes / quadrature.replicates : 1, params.forwardBudget, params.seed)
      : enumeratedOutcomes(new OutcomeIndex(moments.mixture), params.forwardBudget, params.seed);
    const gradientAt = async (image: Image) => (await model.evaluate(image, clean.target)).gradients;
    const atClean = await gradientAt(img);
    const settings = { confidence: params.confidence, tolerance: params.tolerance };
    const noise = await parameterNoise(model.parameters, outcomes, gradientAt, atClean, settings, progress);
    const report: ParametersReport = {
      method: outcomes.method,
      note: outcomes.note,
      outcomes: outcomes.size,
      gradientRuns: noise.gradientRuns + 1,
      target: clean.target,
      tolerance: params.tolerance,
      confidence: params.confidence,
      total: noise.total,
      layers: noise.layers,
      error: noise.error,
    };
    pool?.add(model.parameters, noise.mean, report);
    return report;
  } finally {
    await model.release();
  }
}
