import { test } from 'node:test';
import assert from 'node:assert/strict';
import { singleOffset } from '../../../../src/core/augment/offsets';
import type { Mixture } from '../../../../src/core/augment/mixture';
import { denseGramEigen } from '../../../../src/core/moments/denseGramEigen';
import { partEigenvalues } from '../../../../src/core/moments/partEigenvalues';
import { pixelMoments } from '../../../../src/core/moments/pixelMoments';
import { randomImage } from './bruteForce';

/** A weighted set of whole images (weights normalised). */
function weightedSet(images: ReturnType<typeof randomImage>[], weights: number[]): Mixture {
  const total = weights.reduce((s, w) => s + w, 0);
  return { shape: images[0], families: images.map((base, i) => ({ weight: weights[i] / total, base, offsets: singleOffset() })) };
}

test("a part's eigenvalues from the whole set's centred Gram matrix equal those of the part computed alone", () => {
  const images = Array.from({ length: 14 }, (_, i) => randomImage(3, 5, 4, 100 + i));
  const weights = images.map((_, i) => 1 + (i % 3));
  const whole = weightedSet(images, weights);
  const mu = pixelMoments(whole).mean;
  const w = whole.families.map((f) => f.weight);
  const n = images.length;
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let t = 0; t < mu.length; t++) dot += (images[i].data[t] - mu[t]) * (images[j].data[t] - mu[t]);
      gram[i * n + j] = Math.sqrt(w[i] * w[j]) * dot;
    }
  }
  for (const [start, end] of [[0, 6], [6, 14], [3, 11]] as const) {
    const part = weightedSet(images.slice(start, end), weights.slice(start, end));
    const direct = denseGramEigen(part, pixelMoments(part), 5).values;
    const derived = partEigenvalues(gram, w, [start, end], 5);
    assert.equal(derived.length, direct.length);
    derived.forEach((v, i) => assert.ok(Math.abs(v - direct[i]) < 1e-12 * direct[0], `part [${start}, ${end}) eigenvalue ${i}: ${v} vs ${direct[i]}`));
  }
});
