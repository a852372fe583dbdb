import { guessPreprocessing } from '../../model/guess';
import { loadModel } from '../../model/load';
import type { LoadedModel } from '../../model/model-info';
import type { Dim } from '../../model/onnx/graph';
import { planPreprocessing, PRESET_NAMES, type PresetName, type PreprocessPlan } from '../../model/preprocess';
import { ModelRunner } from '../../model/runner';
import { buildGradientModel, type GradientModel } from '../../model/gradient';
import type { PreprocessParams } from '../protocol';
import type { Report } from './result';
import { countingModel, type ForwardModel } from './forward';

export interface OpenedModel {
  readonly info: LoadedModel;
  readonly plan: PreprocessPlan;
  forward(): ForwardModel;
  /** The reverse-mode gradient model, built once; `error` names why it cannot be built (unsupported operators). */
  gradientModel(): Promise<GradientModel | { readonly error: string }>;
  summary(): NonNullable<Report['model']>;
  preprocessingSummary(): NonNullable<Report['preprocessing']>;
  release(): Promise<void>;
}

/**
 * Loads the model and settles the preprocessing: explicit values over a named preset over the guess. `batchRewrite`
 * (default true) lets a graph fixed to batch 1 run batches; describing a model needs no batches.
 */
export async function openModel(path: string, request: PreprocessParams | undefined, threads?: number, batchRewrite = true): Promise<OpenedModel> {
  const info = await loadModel(path, { threads, batchRewrite });
  const guess = guessPreprocessing(info);
  const preset = request?.preset ?? guess.preset;
  if (!PRESET_NAMES.includes(preset as PresetName)) {
    throw new Error(`unknown preprocessing preset '${preset}' (presets: ${PRESET_NAMES.join(', ')})`);
  }
  const explicit = request && (request.mean || request.std || request.scale !== undefined || request.channels);
  const reason = request?.preset
    ? `preset '${preset}' chosen by the user${explicit ? ', with explicit values' : ''}`
    : explicit
      ? `explicit values over the guess: ${guess.reason}`
      : guess.reason;
  const plan = planPreprocessing({ ...request, preset: preset as PresetName }, info);
  const runner = new ModelRunner(info, plan);
  let gradient: Promise<GradientModel | { error: string }> | null = null;
  return {
    info,
    plan,
    forward: () => countingModel((images) => runner.runBatch(images)),
    gradientModel: () =>
      (gradient ??= buildGradientModel(info, plan, { threads }).catch((e: unknown) => ({ error: (e as Error).message }))),
    summary: () => ({
      path: info.path,
      input: { name: info.input.name, dtype: info.input.dtype, shape: info.input.shape.map(dimValue) },
      output: { name: info.output.name, shape: info.output.shape.map(dimValue) },
      layout: info.layout,
      outputKind: info.outputKind,
      outputKindReason: info.outputKindReason,
      opset: info.opset,
    }),
    preprocessingSummary: () => ({
      name: plan.name,
      channels: plan.channels,
      scale: plan.scale,
      mean: plan.mean,
      std: plan.std,
      inputSize: [plan.target.height, plan.target.width],
      reason,
    }),
    release: async () => {
      const g = await gradient;
      if (g && !('error' in g)) await g.release();
      await info.release();
    },
  };
}

/** A dimension for the report: its size, its symbolic name, or '?' when the graph leaves it unnamed. */
function dimValue(d: Dim): number | string {
  return d ?? '?';
}
