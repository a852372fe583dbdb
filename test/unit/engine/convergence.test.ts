import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatedOutcomes, lossConvergence } from '../../../src/engine/analysis/convergence';

test('Monte Carlo from known outcome losses draws them by weight: the same law, no forward pass', async () => {
  const weights = Float64Array.from([0.5, 0.3, 0.2]);
  const values = Float64Array.from([0.1, 1, 3]);
  const exact = 0.5 * 0.1 + 0.3 * 1 + 0.2 * 3;
  const series = await lossConvergence(evaluatedOutcomes(weights, values), { samples: 20000, confidence: 0.999, seed: 4 }, () => {});
  assert.equal(series.draws, 20000);
  const last = series.samples.length - 1;
  assert.equal(series.samples[last], 20000);
  assert.ok(series.lower[last] <= exact && exact <= series.upper[last], `[${series.lower[last]}, ${series.upper[last]}] misses ${exact}`);
  // Outcome frequencies follow the weights: the estimate's deviation is that of a categorical sample.
  assert.ok(Math.abs(series.estimate[last] - exact) < 0.05);
});
