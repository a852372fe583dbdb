import { openModel } from './analysis/openModel';
import type { Report } from './analysis/result';

/** What the model editor and the panel show before any analysis: the graph's facts and the preprocessing guess. */
export interface ModelInspection {
  readonly model: NonNullable<Report['model']>;
  /** The guessed preprocessing, with the reason for the guess. */
  readonly preprocessing: NonNullable<Report['preprocessing']>;
  readonly producer: string;
  readonly irVersion: number;
  readonly dynamicBatch: boolean;
  /** [height, width] when the graph fixes them, else null (images keep their own size). */
  readonly inputSize: readonly [number, number] | null;
  readonly channels: 1 | 3;
}

/** Loads the model as an analysis would (including the output-kind probe, without the batch rewrite) and describes it. */
export async function inspectModel(path: string, threads?: number): Promise<ModelInspection> {
  const opened = await openModel(path, undefined, threads, false);
  try {
    const { info } = opened;
    return {
      model: opened.summary(),
      preprocessing: opened.preprocessingSummary(),
      producer: info.producer,
      irVersion: info.irVersion,
      dynamicBatch: info.dynamicBatch,
      inputSize: info.height !== null && info.width !== null ? [info.height, info.width] : null,
      channels: info.channels,
    };
  } finally {
    await opened.release();
  }
}
