import { join } from 'node:path';
import { defaults } from '../src/cli/args';
import { analyze } from '../src/engine/analysis/analyze';
import { loadInputImage } from '../src/engine/analysis/inputImage';
import { loadModel } from '../src/model/load';
import { planPreprocessing, type PresetName } from '../src/model/preprocess';
import { ModelRunner } from '../src/model/runner';

/**
 * Issue 4's benchmark: the exact path's forward passes and wall time on squeezenet-fp16 with
 * RandomCrop(224, padding=4) + RandomHorizontalFlip(), the forward passes plain Monte Carlo needs for 1% relative error
 * on E[loss] at 95% (from the exact Std), their ratio; and inference throughput batched vs one by one.
 */
export async function modelBench(fixtures: string) {
  const quiet = { progress: () => {}, log: () => {} };
  const image = join(fixtures, 'images', 'kitten_224.png');
  const params = {
    ...defaults([image], 'RandomCrop(224, padding=4); RandomHorizontalFlip()'),
    modelPath: join(fixtures, 'models', 'squeezenet-fp16.onnx'),
    preprocess: { preset: 'raw255-bgr' },
    topK: 0,
    monteCarloSamples: 0,
    threads: 1,
  };
  const t0 = performance.now();
  const { report } = await analyze(params, quiet);
  const exactMs = performance.now() - t0;
  const r = report.images[0].model!;
  const msPerPass = exactMs / r.forwardPasses;
  return {
    squeezenet: {
      policy: report.policy.canonical,
      outcomes: report.images[0].moments.outcomes,
      exactForwardPasses: r.forwardPasses,
      exactWallMs: exactMs,
      expectedLoss: r.expectedLoss,
      stdLoss: r.stdLoss,
      monteCarloForwardPassesFor1Percent: r.samplesNeeded.loss,
      forwardPassRatio: r.samplesNeeded.loss / r.forwardPasses,
      monteCarloEstimatedWallMs: r.samplesNeeded.loss * msPerPass,
    },
    throughput: {
      cifar10: await throughput(join(fixtures, 'models', 'cifar10-tutorial.onnx'), image, 'cifar', 32, 256),
      squeezenet: await throughput(join(fixtures, 'models', 'squeezenet-fp16.onnx'), image, 'raw255-bgr', 224, 48),
    },
  };
}

/** Images per second through ModelRunner, batches of 32 (when the batch dimension is dynamic) vs one at a time. */
async function throughput(modelPath: string, imagePath: string, preset: PresetName, size: number, count: number) {
  const model = await loadModel(modelPath, { threads: 1 });
  try {
    const img = loadInputImage(imagePath, [size, size]);
    const images = Array.from({ length: count }, () => img);
    const plan = planPreprocessing({ preset }, model);
    const rate = async (batchSize: number) => {
      const runner = new ModelRunner(model, plan, { batchSize });
      await runner.runBatch(images.slice(0, batchSize));
      const t = performance.now();
      await runner.runBatch(images);
      return count / ((performance.now() - t) / 1000);
    };
    const single = await rate(1);
    const batched = model.dynamicBatch ? await rate(32) : null;
    return { dynamicBatch: model.dynamicBatch, imagesPerSecondOneByOne: single, imagesPerSecondBatched: batched, ratio: batched && batched / single };
  } finally {
    await model.release();
  }
}
