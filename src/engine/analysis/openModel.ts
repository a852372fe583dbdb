import { guessPreprocessing, type GuessCertainty } from '../../model/guess';
import { loadModel } from '../../model/load';
import type { LoadedModel } from '../../model/modelInfo';
import type { Dim } from '../../model/onnx/graph';
import { planPreprocessing, PRESET_NAMES, type PresetName, type PreprocessPlan, type PreprocessRequest } from '../../model/preprocess';
import { ModelRunner } from '../../model/runner';
import { buildGradientModel, type GradientModel } from '../../model/gradient';
import type { PreprocessParams } from '../contract/requests';
import type { Report } from '../contract/report';
import type { ForwardModel } from './forward';
import { EngineError } from '../contract/engineErrors';

/** The model as run on images of one size: the size itself for free dimensions, the graph's fixed size otherwise. */
export interface SizedModel {
  readonly plan: PreprocessPlan;
  /** Forward passes from here on, counted where the runner feeds onnxruntime. */
  forward(): ForwardModel;
  /** The reverse-mode gradient model, built once; `error` names why it cannot be built (unsupported operators). */
  gradientModel(): Promise<GradientModel | { readonly error: string }>;
}

export interface OpenedModel {
  readonly info: LoadedModel;
  /** The model for images of [height, width] (after the policy): a free height or width takes the image's. */
  at(height: number, width: number): SizedModel;
  summary(): NonNullable<Report['model']>;
  preprocessingSummary(): NonNullable<Report['preprocessing']>;
  release(): Promise<void>;
}

/**
 * Loads the model and settles the preprocessing: explicit values over a named preset over the guess (which reads the
 * file first). `batchRewrite` (default true) lets a graph fixed to batch 1 run batches; describing a model needs no
 * batches.
 */
export async function openModel(path: string, request: PreprocessParams | undefined, threads?: number, batchRewrite = true): Promise<OpenedModel> {
  const info = await loadModel(path, { threads, batchRewrite });
  const guess = guessPreprocessing(info);
  if (request?.preset !== undefined && !PRESET_NAMES.includes(request.preset as PresetName)) {
    throw new EngineError('request', `unknown preprocessing preset '${request.preset}' (presets: ${PRESET_NAMES.join(', ')})`);
  }
  const preprocessRequest: PreprocessRequest = { ...request, preset: request?.preset as PresetName | undefined };
  const planAt = (size?: readonly [number, number]) => planPreprocessing({ ...preprocessRequest, size }, info, guess);
  const plan = planAt();
  const explicit = request && (request.mean || request.std || request.scale !== undefined || request.channels);
  const reason = request?.preset
    ? `preset '${request.preset}' chosen by the user${explicit ? ', with explicit values' : ''}`
    : plan.name === 'custom'
      ? 'every value given by the user'
      : explicit
        ? `explicit values over the guess: ${guess.reason}`
        : guess.reason;
  const certainty: GuessCertainty | 'given' = request?.preset || plan.name === 'custom' ? 'given' : guess.certainty;
  const free = info.height === null || info.width === null;
  const sized = new Map<string, SizedModel & Releasable>();
  return {
    info,
    at: (height, width) => {
      const size: [number, number] = [info.height ?? height, info.width ?? width];
      const key = size.join('x');
      let model = sized.get(key);
      if (!model) sized.set(key, (model = sizedModel(info, free ? planAt(size) : plan, threads)));
      return model;
    },
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
      inputSize: free ? null : [plan.target.height, plan.target.width],
      reason,
      certainty,
    }),
    release: async () => {
      await Promise.all([...sized.values()].map((m) => m.release()));
      await info.release();
    },
  };
}

interface Releasable {
  release(): Promise<void>;
}

function sizedModel(info: LoadedModel, plan: PreprocessPlan, threads: number | undefined): SizedModel & Releasable {
  const runner = new ModelRunner(info, plan);
  let gradient: Promise<GradientModel | { error: string }> | null = null;
  return {
    plan,
    forward: () => {
      const start = runner.passes;
      return {
        run: (images) => runner.runBatch(images),
        get passes() {
          return runner.passes - start;
        },
      };
    },
    gradientModel: () => (gradient ??= buildGradientModel(info, plan, { threads }).catch((e: unknown) => ({ error: (e as Error).message }))),
    release: async () => {
      const g = await gradient;
      if (g && !('error' in g)) await g.release();
    },
  };
}

/** A dimension for the report: its size, its symbolic name, or '?' when the graph leaves it unnamed. */
function dimValue(d: Dim): number | string {
  return d ?? '?';
}
