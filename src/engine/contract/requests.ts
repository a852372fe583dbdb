import type { ChannelOrder } from '../../shared/presets';
import type { ImageKey } from './datasetRecord';
import type { GradientMode } from './report';

export interface PreprocessParams {
  readonly preset?: string;
  readonly mean?: readonly number[];
  readonly std?: readonly number[];
  readonly scale?: number;
  readonly channels?: ChannelOrder;
}

export interface AnalyzeParams {
  /** Absent: image moments only, no model. */
  readonly modelPath?: string;
  readonly imagePaths: readonly string[];
  readonly policy: string;
  /** Resize then CenterCrop every image to this [height, width] before the policy. */
  readonly size?: readonly [number, number];
  readonly preprocess?: PreprocessParams;
  readonly label?: number;
  readonly tolerance: number;
  readonly confidence: number;
  readonly topK: number;
  readonly forwardBudget: number;
  /** Most draws of the randomized rule for the image moments of policies without an exact route (default 16,384). */
  readonly maxDraws?: number;
  readonly monteCarloSamples: number;
  readonly monteCarloTimeMs?: number;
  readonly seed: number;
  readonly threads?: number;
  /** Saliency by the gradient graph ('graph'), finite differences ('fd'), the graph when possible ('auto', default), or none. */
  readonly gradient?: GradientMode;
  /** Also the gradient noise on the model's parameters over the policy's outcomes (analyze --parameters). */
  readonly parameters?: boolean;
}

/** A dataset run: the model loaded once, the images analysed in turn, one 'record' message each (no arrays). */
export interface DatasetParams extends Omit<AnalyzeParams, 'imagePaths' | 'label'> {
  readonly modelPath: string;
  /** The folder the images' paths are relative to. */
  readonly root: string;
  readonly images: readonly ImageKey[];
}

export const ENGINE_STAGES = ['load', 'moments', 'eigen', 'model', 'analytic', 'monte-carlo', 'done'] as const;

/** What an analysis is doing, in its 'progress' messages. */
export type EngineStage = (typeof ENGINE_STAGES)[number];
