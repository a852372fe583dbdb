// Turns the panel's inputs and the settings into the engine's AnalyzeParams. Pure: no vscode, no file system.
import type { AnalyzeParams, PreprocessParams } from '../../engine/contract/requests';
import type { EditableInputs } from '../../shared/panelInputs';
import type { AnalysisSettings } from '../common/settings';

export interface RunRequest {
  modelPath: string;
  imagePaths: string[];
  policy: string;
  inputs: EditableInputs;
  /** [height, width] the model's graph fixes, or null when it leaves them free. */
  modelInputSize: readonly [number, number] | null;
  settings: AnalysisSettings;
  /** Also the gradient noise on the model's parameters (one gradient per outcome: slower). */
  parameters?: boolean;
}

export function panelAnalyzeParams(request: RunRequest): AnalyzeParams {
  const { inputs, settings } = request;
  return {
    modelPath: request.modelPath,
    imagePaths: request.imagePaths,
    policy: request.policy,
    size: imageSize(inputs.imageSize, request.modelInputSize),
    preprocess: preprocessParams(inputs.preprocessing, settings.defaultPreprocessing),
    label: inputs.label ?? undefined,
    tolerance: settings.tolerance,
    confidence: settings.confidence,
    topK: settings.topK,
    forwardBudget: settings.forwardBudget,
    monteCarloSamples: settings.monteCarloSamples,
    seed: settings.seed,
    threads: settings.threads,
    ...(request.parameters && { parameters: true }),
  };
}

/** The size images are resized and centre-cropped to before the policy; undefined keeps each image's own size. */
function imageSize(choice: EditableInputs['imageSize'], modelSize: readonly [number, number] | null): [number, number] | undefined {
  if (choice.mode === 'custom') return [choice.height, choice.width];
  if (choice.mode === 'model' && modelSize) return [modelSize[0], modelSize[1]];
  return undefined;
}

/** Explicit values over the chosen preset over the default-preset setting over the engine's guess. */
function preprocessParams(choice: EditableInputs['preprocessing'], defaultPreset: EditableInputs['preprocessing']['preset']): PreprocessParams | undefined {
  const presetChoice = choice.preset === 'auto' ? defaultPreset : choice.preset;
  const params: PreprocessParams = {
    ...(presetChoice !== 'auto' && { preset: presetChoice }),
    ...(choice.channels !== 'auto' && { channels: choice.channels }),
    ...(choice.scale !== null && { scale: choice.scale }),
    ...(choice.mean !== null && { mean: choice.mean }),
    ...(choice.std !== null && { std: choice.std }),
  };
  return Object.keys(params).length > 0 ? params : undefined;
}
