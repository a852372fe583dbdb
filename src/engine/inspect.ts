import { openModel } from './analysis/openModel';
import type { ModelInspection } from './contract/modelInspection';

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
