import { join } from 'node:path';
import { parsePolicy } from '../../core/policy';
import { ortMatrixProduct } from '../../model/ortMatrixProduct';
import { analyzeImage, describeRun } from '../analysis/analyze';
import { loadInputImage } from '../analysis/inputImage';
import { openModel } from '../analysis/openModel';
import type { DatasetParams, EngineStage } from '../contract/requests';
import type { DatasetRecord, RunDescription } from '../contract/datasetRecord';
import { engineFailure } from '../engineFailure';

export interface DatasetHooks {
  progress(stage: EngineStage, fraction: number, message: string): void;
  log(message: string): void;
  /** Once the model is loaded, before any record. */
  run(run: RunDescription): void;
  /** One image finished: analysed, or failed with the reason (the run goes on). */
  record(index: number, record: DatasetRecord): void;
}

/**
 * A dataset run: the model session and the matrix product are made once, then each image is analysed, its record
 * handed on and its arrays dropped, so memory holds one image's analysis at a time, whatever the dataset's size.
 * Images are analysed one after the other (their forward passes are batched within each image, not across images).
 */
export async function analyzeDataset(params: DatasetParams, hooks: DatasetHooks): Promise<void> {
  const policy = parsePolicy(params.policy);
  hooks.progress('load', 0, 'loading the model');
  const model = await openModel(params.modelPath, params.preprocess, params.threads);
  const product = ortMatrixProduct(params.threads || undefined);
  try {
    hooks.run(describeRun(params, policy, model));
    const total = params.images.length;
    for (const [index, key] of params.images.entries()) {
      const path = join(params.root, key.path);
      const sub = (stage: EngineStage) => (fraction: number, message: string) =>
        hooks.progress(stage, (index + fraction) / total, `${key.path}: ${message}`);
      let record: DatasetRecord;
      try {
        const img = loadInputImage(path, params.size);
        const imageParams = { ...params, imagePaths: [path], label: key.label ?? undefined };
        const { report } = await analyzeImage(path, img, policy, imageParams, model, product, sub, () => undefined);
        record = { kind: 'image', ...key, report };
      } catch (e) {
        const { code, message } = engineFailure(e);
        record = { kind: 'error', ...key, code, message };
      }
      hooks.record(index, record);
    }
    hooks.progress('done', 1, 'done');
  } finally {
    await model.release();
    await product.dispose();
  }
}
