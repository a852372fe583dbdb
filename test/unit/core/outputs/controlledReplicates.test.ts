import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlledReplicateMeans, replicateInterval } from '../../../../src/core/outputs/controlledReplicates';
import { studentQuantile } from '../../../../src/core/outputs/studentQuantile';
import { createRng } from '../../../../src/core/rng';

const R = 8;

/** Replicates of n independent uniforms u, with y = f(u) and the control c = u (E[c] = 1/2). */
function replicates(seed: number, n: number, f: (u: number) => number) {
  const rng = createRng(seed);
  const c = Array.from({ length: R }, () => Float64Array.from({ length: n }, () => rng.next()));
  return { y: c.map((u) => u.map(f)), c };
}

test('without a control each replicate gives its plain average of the first n points', () => {
  const { y } = replicates(1, 10, (u) => u * u);
  const means = controlledReplicateMeans(y, null, 0, 6);
  means.forEach((m, r) => assert.ok(Math.abs(m - y[r].slice(0, 6).reduce((a, v) => a + v, 0) / 6) < 1e-15));
});

test('a value linear in the control is integrated exactly by every replicate', () => {
  const { y, c } = replicates(2, 20, (u) => 3 - 2 * u);
  for (const m of controlledReplicateMeans(y, c, 0.5, 20)) assert.ok(Math.abs(m - 2) < 1e-12, `${m}`);
});

test('a control constant over the points changes nothing', () => {
  const { y } = replicates(3, 12, Math.exp);
  const constant = y.map((v) => new Float64Array(v.length).fill(0.25));
  assert.deepEqual(controlledReplicateMeans(y, constant, 0.25, 12), controlledReplicateMeans(y, null, 0, 12));
});

test('replicateInterval: the mean and t * s / sqrt(R)', () => {
  const { mean, halfWidth } = replicateInterval([1, 2, 3, 4], 3);
  assert.equal(mean, 2.5);
  assert.ok(Math.abs(halfWidth - (3 * Math.sqrt(5 / 3)) / 2) < 1e-15);
});

test('with the slope left out per replicate the estimates stay unbiased and the 95% intervals cover E[exp(u)] about 95% of the time', () => {
  const truth = Math.E - 1;
  const t = studentQuantile(0.95, R - 1);
  const trials = 2000;
  let [covered, sum, plainSpread, controlledSpread] = [0, 0, 0, 0];
  for (let s = 0; s < trials; s++) {
    // Few points per replicate, where a slope fitted on the replicate's own points would bias it most.
    const { y, c } = replicates(100 + s, 6, Math.exp);
    const controlled = replicateInterval(controlledReplicateMeans(y, c, 0.5, 6), t);
    covered += Math.abs(controlled.mean - truth) <= controlled.halfWidth ? 1 : 0;
    sum += controlled.mean;
    controlledSpread += controlled.halfWidth;
    plainSpread += replicateInterval(controlledReplicateMeans(y, null, 0, 6), t).halfWidth;
  }
  // Binomial(2000, 0.95): outside [0.935, 0.965] with probability < 2e-3.
  assert.ok(covered / trials >= 0.935 && covered / trials <= 0.965, `covered ${covered} of ${trials}`);
  // The average of 2000 estimates, each with a standard deviation below 0.01 (R^2 of exp on u is 0.98): 5 sigma.
  assert.ok(Math.abs(sum / trials - truth) < 5 * (0.01 / Math.sqrt(trials)), `mean ${sum / trials} vs ${truth}`);
  assert.ok(controlledSpread < 0.3 * plainSpread, `half-widths ${controlledSpread / trials} controlled vs ${plainSpread / trials} plain`);
});
