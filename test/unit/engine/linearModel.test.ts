import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../src/core/augment/compile';
import { outcomes, pointMixture } from '../../../src/core/augment/mixture';
import { covarianceEigen } from '../../../src/core/moments/covarianceEigen';
import { pixelMoments } from '../../../src/core/moments/pixelMoments';
import { loadModel } from '../../../src/model/load';
import { linearModel } from '../../../src/model/onnx/linearModel';
import { planPreprocessing } from '../../../src/model/preprocess';
import { ModelRunner } from '../../../src/model/runner';
import { createRng } from '../../../src/core/rng';
import { randomImage } from '../core/moments/bruteForce';
import { compose, crop, hflip, translate } from '../core/moments/specs';
import { tempDir, writeModel } from '../model/fixtures';

/**
 * The paper's exact identity for a linear model with squared error (docs/math.md, section 8):
 * E||y - W T(x) - b||^2 = ||y - W E[T(x)] - b||^2 + tr(W Cov W^T), with tr(W Cov W^T) = sum_k lambda_k ||W v_k||^2
 * over all eigenpairs. The left side comes from the ONNX model run on every outcome.
 */
test('linear model: expected squared error equals the bias-variance identity from the exact moments', async () => {
  const img = randomImage(3, 8, 7, 21);
  const step = compilePolicy(compose(crop(6, 2, 'reflect'), hflip(0.4), translate(0.15, 0.2, 0.3)), img);
  const mixture = step.lift(pointMixture(img));
  const exact = pixelMoments(mixture);
  const d = exact.mean.length;
  const classes = 5;
  const rng = createRng(8);
  const W = Float32Array.from({ length: classes * d }, () => rng.next() - 0.5);
  const bias = Float32Array.from({ length: classes }, () => rng.next());
  const y = Float64Array.from({ length: classes }, () => 2 * rng.next() - 1);
  const path = writeModel(tempDir(), 'linear.onnx', linearModel({ channels: 3, height: 6, width: 6, weights: W, bias }));
  const model = await loadModel(path);
  try {
    const runner = new ModelRunner(model, planPreprocessing({ preset: 'unit' }, model));
    const set = [...outcomes(mixture)];
    const rows = await runner.runBatch(set.map((o) => o.image));
    const expectedError = set.reduce((s, o, i) => s + o.weight * rows[i].reduce((a, v, k) => a + (y[k] - v) ** 2, 0), 0);

    const [atMean] = await runner.runBatch([{ channels: 3, height: 6, width: 6, data: Float32Array.from(exact.mean) }]);
    const bias2 = atMean.reduce((a, v, k) => a + (y[k] - v) ** 2, 0);
    const eig = covarianceEigen(mixture, exact, { k: set.length });
    const traceWCovWt = eig.values.reduce((s, lambda, j) => {
      let norm2 = 0;
      for (let k = 0; k < classes; k++) {
        let wv = 0;
        for (let i = 0; i < d; i++) wv += W[k * d + i] * eig.vectors[j][i];
        norm2 += wv * wv;
      }
      return s + lambda * norm2;
    }, 0);
    assert.ok(Math.abs(eig.values.reduce((s, v) => s + v, 0) - exact.totalVariance) < 1e-9 * exact.totalVariance, 'all eigenpairs found');
    const rhs = bias2 + traceWCovWt;
    assert.ok(Math.abs(expectedError - rhs) < 2e-6 * rhs, `E||y - f||^2 = ${expectedError} vs ${rhs}`);
    assert.ok(traceWCovWt > 0.05 * rhs, 'the variance term is a real part of the identity');
  } finally {
    await model.release();
  }
});
