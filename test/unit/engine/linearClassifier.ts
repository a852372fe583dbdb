// A random linear classifier on an image's pixels, and its clean prediction: the model the randomized-rule tests run.
import type { Image } from '../../../src/core/image';
import { cleanPrediction, type CleanPrediction } from '../../../src/core/outputs/outputMoments';
import { createRng } from '../../../src/core/rng';

export function linearClassifier(img: Image, classes: number, seed: number): { logits: (x: Image) => Float32Array; clean: CleanPrediction } {
  const rng = createRng(seed);
  const d = img.data.length;
  const weights = Float64Array.from({ length: classes * d }, () => 2 * (rng.next() - 0.5));
  const logits = (x: Image) => Float32Array.from({ length: classes }, (_, k) => x.data.reduce((s, v, i) => s + weights[k * d + i] * v, 0));
  return { logits, clean: cleanPrediction(logits(img), 'logits') };
}
