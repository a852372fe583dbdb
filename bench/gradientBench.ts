import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resizeImage } from '../src/core/augment/resize';
import type { Image } from '../src/core/image';
import { decodeImage } from '../src/core/io/decode';
import { argmax } from '../src/core/outputs/classifier';
import { FIT_RESIZE } from '../src/model/fit';
import { buildGradientModel } from '../src/model/gradient/gradientModel';
import { loadModel } from '../src/model/load';
import { planPreprocessing, type PresetName } from '../src/model/preprocess';
import { ModelRunner } from '../src/model/runner';

interface Case {
  readonly model: string;
  readonly preset: PresetName;
}

const CASES: Case[] = [
  { model: 'squeezenet-fp16.onnx', preset: 'raw255-bgr' },
  { model: 'cifar10-tutorial.onnx', preset: 'cifar' },
];

export interface GradientBenchCase {
  readonly model: string;
  readonly input: string;
  /** Gradient model construction: shape probe, backward graph, two sessions. */
  readonly buildMs: number;
  /** Medians of one image: preprocessing + inference, and preprocessing + forward + backward + chain rule. */
  readonly forwardMs: number;
  readonly gradientMs: number;
  /** gradientMs / forwardMs (target: <= 3). */
  readonly gradientOverForward: number;
  /** Per image when `batch` images go in one call (the model's own batch when it is fixed). */
  readonly batch: number;
  readonly batchedForwardMsPerImage: number;
  readonly batchedGradientMsPerImage: number;
  readonly batchedGradientOverForward: number;
  /** Central differences over every pixel: 2 D forward passes at the batched per-image time (an estimate). */
  readonly finiteDifferenceEstimateMs: number;
  readonly finiteDifferenceOverGradient: number;
}

/**
 * The gradient benchmark on a fixture photo (at the model's input size): the gradient graph's time against one forward
 * pass, and against full central differences (estimated from the forward time, 2 passes per input value).
 */
export async function gradientBench(fixtures: string, repeats = 15): Promise<GradientBenchCase[]> {
  const photo = decodeImage(readFileSync(join(fixtures, 'images', 'kitten_224.png')), 'kitten_224.png');
  const results: GradientBenchCase[] = [];
  for (const c of CASES) {
    const loaded = await loadModel(join(fixtures, 'models', c.model));
    try {
      const plan = planPreprocessing({ preset: c.preset }, loaded);
      const image = resizeImage(photo, plan.target.height, plan.target.width, FIT_RESIZE);
      const runner = new ModelRunner(loaded, plan);
      const started = performance.now();
      const gradient = await buildGradientModel(loaded, plan);
      const buildMs = performance.now() - started;
      try {
        const target = argmax((await runner.runBatch([image]))[0]);
        const batch = loaded.dynamicBatch ? 8 : loaded.fixedBatch;
        const images: Image[] = Array.from({ length: batch }, () => image);
        // Interleaved, after a warm-up, so both see the same machine load.
        const times = { forward: [] as number[], gradient: [] as number[], batchedForward: [] as number[], batchedGradient: [] as number[] };
        for (let r = -2; r < repeats; r++) {
          const t0 = performance.now();
          await runner.runBatch([image]);
          const t1 = performance.now();
          await gradient.evaluate([image], { target });
          const t2 = performance.now();
          await runner.runBatch(images);
          const t3 = performance.now();
          await gradient.evaluate(images, { target });
          const t4 = performance.now();
          if (r < 0) continue;
          times.forward.push(t1 - t0);
          times.gradient.push(t2 - t1);
          times.batchedForward.push((t3 - t2) / batch);
          times.batchedGradient.push((t4 - t3) / batch);
        }
        const [forwardMs, gradientMs, batchedForward, batchedGradient] = [times.forward, times.gradient, times.batchedForward, times.batchedGradient].map(median);
        const values = image.channels * image.height * image.width;
        const finiteDifferenceEstimateMs = 2 * values * batchedForward;
        results.push({
          model: c.model,
          input: `${image.channels}x${image.height}x${image.width}`,
          buildMs,
          forwardMs,
          gradientMs,
          gradientOverForward: gradientMs / forwardMs,
          batch,
          batchedForwardMsPerImage: batchedForward,
          batchedGradientMsPerImage: batchedGradient,
          batchedGradientOverForward: batchedGradient / batchedForward,
          finiteDifferenceEstimateMs,
          finiteDifferenceOverGradient: finiteDifferenceEstimateMs / batchedGradient,
        });
      } finally {
        await gradient.release();
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

export function describeGradientBench(results: readonly GradientBenchCase[]): string {
  return results
    .map(
      (r) =>
        `gradient ${r.model} (${r.input}): forward ${r.forwardMs.toFixed(1)} ms, gradient ${r.gradientMs.toFixed(1)} ms ` +
        `(${r.gradientOverForward.toFixed(2)}x; batch ${r.batch}: ${r.batchedGradientOverForward.toFixed(2)}x), ` +
        `full central differences ~${(r.finiteDifferenceEstimateMs / 1000).toFixed(1)} s (${r.finiteDifferenceOverGradient.toFixed(0)}x the gradient)`,
    )
    .join('\n');
}
