import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resizeImage } from '../src/core/augment/resize';
import type { Image } from '../src/core/image';
import { decodeImage } from '../src/core/io/decode';
import { argmax } from '../src/core/outputs/classifier';
import { FIT_RESIZE } from '../src/model/fit';
import { buildParameterGradientModel } from '../src/model/gradient';
import { loadModel } from '../src/model/load';
import { planPreprocessing, type PresetName } from '../src/model/preprocess';
import { ModelRunner } from '../src/model/runner';

const CASES: { readonly model: string; readonly preset: PresetName }[] = [
  { model: 'squeezenet-fp16.onnx', preset: 'raw255-bgr' },
  { model: 'cifar10-tutorial.onnx', preset: 'cifar' },
];

export interface ParameterBenchCase {
  readonly model: string;
  readonly input: string;
  readonly parameters: number;
  /** Parameter-gradient model construction: shape probe, backward graph, its session (forward and backward in one when the graph allows). */
  readonly buildMs: number;
  /** Medians for one image: preprocessing + inference alone, and forward + backward to every parameter. */
  readonly forwardMs: number;
  readonly parameterGradientMs: number;
  /** parameterGradientMs / forwardMs (target: <= 4). */
  readonly parameterOverForward: number;
  /** Forward per image when `batch` images go in one run (the analysis' forward passes are batched). */
  readonly batch: number;
  readonly batchedForwardMsPerImage: number;
  readonly parameterOverBatchedForward: number;
}

/**
 * The parameter-gradient benchmark: one image's parameter-gradient pass (it runs one image at a time: the graph sums parameter
 * gradients over the batch) against one forward pass of the same model, interleaved in the same run.
 */
export async function parameterBench(fixtures: string, repeats = 31): Promise<ParameterBenchCase[]> {
  const photo = decodeImage(readFileSync(join(fixtures, 'images', 'kitten_224.png')), 'kitten_224.png');
  const results: ParameterBenchCase[] = [];
  for (const c of CASES) {
    const loaded = await loadModel(join(fixtures, 'models', c.model), { threads: 1 });
    try {
      const plan = planPreprocessing({ preset: c.preset }, loaded);
      const image = resizeImage(photo, plan.target.height, plan.target.width, FIT_RESIZE);
      const runner = new ModelRunner(loaded, plan);
      const started = performance.now();
      const model = await buildParameterGradientModel(loaded, plan, { threads: 1 });
      const buildMs = performance.now() - started;
      try {
        const target = argmax((await runner.runBatch([image]))[0]);
        const batch = loaded.dynamicBatch ? 8 : loaded.fixedBatch;
        const images: Image[] = Array.from({ length: batch }, () => image);
        const times = { forward: [] as number[], parameters: [] as number[], batched: [] as number[] };
        for (let r = -2; r < repeats; r++) {
          const t0 = performance.now();
          await runner.runBatch([image]);
          const t1 = performance.now();
          await model.evaluate(image, target);
          const t2 = performance.now();
          await runner.runBatch(images);
          const t3 = performance.now();
          if (r < 0) continue;
          times.forward.push(t1 - t0);
          times.parameters.push(t2 - t1);
          times.batched.push((t3 - t2) / batch);
        }
        const [forwardMs, parameterGradientMs, batched] = [times.forward, times.parameters, times.batched].map(median);
        results.push({
          model: c.model,
          input: `${image.channels}x${image.height}x${image.width}`,
          parameters: model.parameters.reduce((n, p) => n + p.dims.reduce((a, d) => a * d, 1), 0),
          buildMs,
          forwardMs,
          parameterGradientMs,
          parameterOverForward: parameterGradientMs / forwardMs,
          batch,
          batchedForwardMsPerImage: batched,
          parameterOverBatchedForward: parameterGradientMs / batched,
        });
      } finally {
        await model.release();
      }
    } finally {
      await loaded.release();
    }
  }
  return results;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function describeParameterBench(results: readonly ParameterBenchCase[]): string {
  return results
    .map(
      (r) =>
        `parameters ${r.model} (${r.input}, ${r.parameters.toLocaleString('en-US')} parameters): forward ${r.forwardMs.toFixed(1)} ms, ` +
        `parameter gradient ${r.parameterGradientMs.toFixed(1)} ms (${r.parameterOverForward.toFixed(2)}x; ` +
        `${r.parameterOverBatchedForward.toFixed(2)}x a forward pass batched by ${r.batch})`,
    )
    .join('\n');
}
