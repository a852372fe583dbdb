import { join } from 'node:path';
import { defaults } from '../src/cli/args';
import { analyze } from '../src/engine/analysis/analyze';
import { loadInputImage } from '../src/engine/analysis/inputImage';
import { loadModel } from '../src/model/load';
import type { LoadedModel } from '../src/model/modelInfo';
import { planPreprocessing, type PresetName } from '../src/model/preprocess';
import { ModelRunner } from '../src/model/runner';

/**
 * The model benchmark: the exact path's forward passes and wall time on squeezenet-fp16 with
 * RandomCrop(224, padding=4) + RandomHorizontalFlip(), the forward passes plain Monte Carlo needs for 1% relative error
 * on E[loss] at 95% (from the exact Std), their ratio; and inference throughput batched vs one by one (cifar10 declares a
 * dynamic batch; squeezenet fixes it to 1 and batches through the load-time rewrite, see src/model/dynamicBatch.ts).
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
      squeezenet: await throughput(join(fixtures, 'models', 'squeezenet-fp16.onnx'), image, 'raw255-bgr', 224, 64),
    },
  };
}

/**
 * Images per second through ModelRunner, one at a time and in batches of 16 (the engine's default) and 32. One by one
 * runs the file as it is (a graph that fixes the batch to 1 without the rewrite); batched runs the loaded model, whose
 * static batch of 1 is rewritten to a symbolic one when that is safe (model.batching), so squeezenet batches too.
 */
async function throughput(modelPath: string, imagePath: string, preset: PresetName, size: number, count: number) {
  const model = await loadModel(modelPath, { threads: 1 });
  const asIs = await loadModel(modelPath, { threads: 1, batchRewrite: false });
  try {
    const img = loadInputImage(imagePath, [size, size]);
    const images = Array.from({ length: count }, () => img);
    // Wall-clock and CPU-time rates: on a shared machine the CPU time (one intra-op thread) is the steadier of the two.
    const rate = async (m: LoadedModel, batchSize: number) => {
      const runner = new ModelRunner(m, planPreprocessing({ preset }, m), { batchSize });
      await runner.runBatch(images.slice(0, batchSize));
      const cpu = process.cpuUsage();
      const t = performance.now();
      await runner.runBatch(images);
      const wallS = (performance.now() - t) / 1000;
      const used = process.cpuUsage(cpu);
      return { wall: count / wallS, cpu: count / ((used.user + used.system) / 1e6) };
    };
    const single = await rate(asIs, 1);
    const batched16 = model.batching.dynamic ? await rate(model, 16) : null;
    const batched = model.batching.dynamic ? await rate(model, 32) : null;
    return {
      dynamicBatch: model.dynamicBatch,
      batching: { dynamic: model.batching.dynamic, rewritten: model.batching.rewritten, reason: model.batching.reason },
      images: count,
      imagesPerSecondOneByOne: single.wall,
      imagesPerSecondBatched16: batched16?.wall ?? null,
      imagesPerSecondBatched: batched?.wall ?? null,
      ratio: batched && batched.wall / single.wall,
      imagesPerCpuSecond: { oneByOne: single.cpu, batched16: batched16?.cpu ?? null, batched32: batched?.cpu ?? null },
    };
  } finally {
    await model.release();
    await asIs.release();
  }
}
