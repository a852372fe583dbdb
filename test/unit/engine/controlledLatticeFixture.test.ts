import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compilePolicy } from '../../../src/core/augment/compile';
import { crossEntropy } from '../../../src/core/outputs/classifier';
import { parsePolicy } from '../../../src/core/policy';
import { createRng } from '../../../src/core/rng';
import { analyze } from '../../../src/engine/analysis/analyze';
import { loadInputImage } from '../../../src/engine/analysis/inputImage';
import { openModel } from '../../../src/engine/analysis/openModel';
import { defaults } from '../../../src/cli/args';
import { FIXTURES, fixturesMissing } from '../model/fixtures';

const quiet = { progress: () => {}, log: () => {} };
const POLICY = 'Compose([RandomCrop(32, padding=4), RandomHorizontalFlip(), RandomRotation(10, interpolation=InterpolationMode.BILINEAR), ColorJitter(0.2, 0.2)])';

test('CIFAR, crop and flip before rotation and jitter: the controlled lattice estimate of E[loss] agrees with 20,000 plain Monte Carlo draws', { skip: fixturesMissing }, async () => {
  const imagePath = join(FIXTURES, 'images', 'kitten_224.png');
  const modelPath = join(FIXTURES, 'models', 'cifar10-tutorial.onnx');
  const params = { ...defaults([imagePath], POLICY), modelPath, size: [32, 32] as [number, number], preprocess: { preset: 'cifar' }, topK: 0, monteCarloSamples: 0, gradient: 'none' as const };
  const r = (await analyze(params, quiet)).report.images[0].model!;
  assert.equal(r.method, 'quadrature');
  assert.match(r.methodNote, /control variate of exact mean: the loss at the draw's RandomCrop \+ RandomHorizontalFlip outcome as the quadratic in RandomRotation's parameter through its values at 3 nodes, all 162 outcomes evaluated at each \(486 passes\)/);
  const q = r.quadrature!;
  assert.equal(q.control?.outcomes, 486);
  assert.equal(r.passes.exactPath, 486 + q.levels[q.levels.length - 1].nodes, 'the control\'s passes and the lattice points, nothing else');
  const half = q.error!.expectedLoss;

  const img = loadInputImage(imagePath, [32, 32]);
  const step = compilePolicy(parsePolicy(POLICY), img);
  const opened = await openModel(modelPath, { preset: 'cifar' });
  const forward = opened.at(32, 32).forward();
  const rng = createRng(99);
  const n = 20_000;
  let [sum, sum2] = [0, 0];
  try {
    for (let start = 0; start < n; start += 250) {
      const rows = await forward.run(Array.from({ length: 250 }, () => step.sample(img, rng)));
      for (const row of rows) {
        const loss = crossEntropy(row, opened.info.outputKind, r.clean.target);
        sum += loss;
        sum2 += loss * loss;
      }
    }
  } finally {
    await opened.release();
  }
  const mc = sum / n;
  const se = Math.sqrt((sum2 / n - mc * mc) / (n - 1));
  // The lattice's 95% interval plus 2.58 standard errors (99%) of the Monte Carlo mean.
  assert.ok(Math.abs(r.expectedLoss - mc) <= half + 2.58 * se, `lattice ${r.expectedLoss} +- ${half} (${r.passes.exactPath} passes), Monte Carlo ${mc} +- ${2.58 * se}`);
  assert.ok(half < 2.58 * se, 'the lattice, on a tenth of the passes or fewer, is the narrower');
});
