import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Image } from '../../../src/core/image';
import { zForConfidence } from '../../../src/core/outputs/outputMoments';
import { createRng, type Rng } from '../../../src/core/rng';
import { parameterNoise, type WeightedOutcomes } from '../../../src/engine/analysis/parameterNoise';
import { ParameterPool } from '../../../src/engine/analysis/parameterPool';
import { analyze } from '../../../src/engine/analysis/analyze';
import type { ParametersReport } from '../../../src/engine/contract/parameterReport';
import { defaults } from '../../../src/cli/args';
import { FIXTURES, fixturesMissing } from '../model/fixtures';
import { GraphGradient } from '../../../src/model/gradient/graphGradient';
import { objective } from '../../../src/model/gradient/objective';
import type { ModelProto } from '../../../src/model/onnx/types';
import { attr, TestGraph } from '../model/gradient/models';
import { CONV_INPUT, convModel } from '../model/gradient/parameterModels';

const settings = { confidence: 0.95, tolerance: 0.01 };
const quiet = () => {};

function imageOf(data: Float32Array, dims: readonly number[]): Image {
  return { channels: dims[1] ?? 1, height: dims[2] ?? 1, width: dims[3] ?? data.length, data };
}

function randomOutcomes(rng: Rng, count: number, dims: readonly number[], scale = 1): { outcomes: WeightedOutcomes; images: Image[] } {
  const size = dims.reduce((n, d) => n * d, 1);
  const images = Array.from({ length: count }, () => imageOf(Float32Array.from({ length: size }, () => scale * (2 * rng.next() - 1)), dims));
  const raw = images.map(() => 0.2 + rng.next());
  const total = raw.reduce((a, b) => a + b, 0);
  const weights = Float64Array.from(raw, (w) => w / total);
  return { outcomes: { size: count, weights, image: (i) => images[i], replicates: null }, images };
}

async function parameterGraph(model: ModelProto, dims: readonly number[]): Promise<GraphGradient> {
  return GraphGradient.create(model, { inputName: 'x', outputName: model.graph!.output[0].name!, inputDtype: 'float32', inputDims: dims, dynamicBatch: false, parameters: true });
}

test('linear model, squared loss: E[g_W] = W E[x x^T] + (b - t) E[x]^T and E[g_b] = W E[x] + b - t to float precision', async () => {
  const rng = createRng(3);
  const [n, m] = [4, 3];
  const W = Float64Array.from({ length: m * n }, () => 2 * rng.next() - 1);
  const b = Float64Array.from({ length: m }, () => rng.next());
  const target = [0.5, -1, 2];
  const t = new TestGraph([1, n]);
  const model = t.build(t.op('Gemm', ['x', t.weight([m, n], Array.from(W)), t.weight([m], Array.from(b))], { transB: attr.int(1) }), 13);
  const { outcomes, images } = randomOutcomes(rng, 9, [1, n]);
  const graph = await parameterGraph(model, [1, n]);
  try {
    // L = |y - t|^2 / 2: the cotangent is y - t.
    const gradientAt = async (img: Image) => (await graph.parameterVjp(img.data, (y) => Float32Array.from(y, (v, i) => v - target[i]))).gradients;
    const noise = await parameterNoise(graph.parameters, outcomes, gradientAt, await gradientAt(images[0]), settings, quiet);
    const Ex = new Float64Array(n);
    const Exx = new Float64Array(n * n);
    images.forEach((img, k) => {
      const w = outcomes.weights[k];
      for (let i = 0; i < n; i++) {
        Ex[i] += w * img.data[i];
        for (let j = 0; j < n; j++) Exx[i * n + j] += w * img.data[i] * img.data[j];
      }
    });
    const [gW, gb] = noise.mean;
    for (let r = 0; r < m; r++) {
      let WEx = 0;
      for (let j = 0; j < n; j++) {
        let expected = (b[r] - target[r]) * Ex[j];
        for (let i = 0; i < n; i++) expected += W[r * n + i] * Exx[i * n + j];
        assert.ok(Math.abs(gW[r * n + j] - expected) <= 1e-6 * (1 + Math.abs(expected)), `E[g_W][${r}, ${j}] ${gW[r * n + j]} vs ${expected}`);
        WEx += W[r * n + j] * Ex[j];
      }
      const expectedBias = WEx + b[r] - target[r];
      assert.ok(Math.abs(gb[r] - expectedBias) <= 1e-6 * (1 + Math.abs(expectedBias)), `E[g_b][${r}] ${gb[r]} vs ${expectedBias}`);
    }
  } finally {
    await graph.release();
  }
});

/** Cross-entropy gradients of the conv model against class 1, one per outcome. */
async function convGradients(graph: GraphGradient, images: readonly Image[]): Promise<Float32Array[][]> {
  const all: Float32Array[][] = [];
  for (const img of images) all.push((await graph.parameterVjp(img.data, (row) => objective(row, 'logits', 'loss', 1).cotangent)).gradients.map((g) => Float32Array.from(g)));
  return all;
}

test('conv model: mean, trace of the covariance, cosines and their percentiles against brute force over the outcomes', async () => {
  const rng = createRng(5);
  const { outcomes, images } = randomOutcomes(rng, 12, CONV_INPUT);
  const clean = imageOf(Float32Array.from(images[0].data, (v) => 0.9 * v), CONV_INPUT);
  const graph = await parameterGraph(convModel(), CONV_INPUT);
  try {
    const each = await convGradients(graph, images);
    const [cleanGradient] = await convGradients(graph, [clean]);
    let served = 0;
    const noise = await parameterNoise(graph.parameters, outcomes, async (img) => each[images.indexOf(img)].map((g) => (served++, g)), cleanGradient, settings, quiet);
    assert.equal(served, 2 * images.length * graph.parameters.length, 'two passes over the outcomes');
    const layers = [...new Set(graph.parameters.map((p) => p.layer))];
    const members = (l: number) => graph.parameters.flatMap((p, i) => (p.layer === layers[l] ? [i] : []));
    const w = outcomes.weights;
    const bruteForce = (indices: number[]) => {
      const mean = indices.map((p) => Float64Array.from(each[0][p], (_, j) => each.reduce((s, g, k) => s + w[k] * g[p][j], 0)));
      const dot = (a: ArrayLike<number>[], b: ArrayLike<number>[]) => a.reduce((s, x, q) => s + Array.from(x).reduce((t, v, j) => t + v * b[q][j], 0), 0);
      const ms = dot(mean, mean);
      const trace = each.reduce((s, g, k) => s + w[k] * indices.reduce((t, p, q) => t + g[p].reduce((u, v, j) => u + (v - mean[q][j]) ** 2, 0), 0), 0);
      const cosines = each.map((g) => {
        const parts = indices.map((p) => g[p]);
        return dot(parts, mean) / Math.sqrt(dot(parts, parts) * ms);
      });
      const cleanParts = indices.map((p) => cleanGradient[p]);
      return { meanNorm: Math.sqrt(ms), trace, cosines, clean: dot(cleanParts, mean) / Math.sqrt(dot(cleanParts, cleanParts) * ms) };
    };
    const quantile = (values: number[], q: number) => {
      const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
      let c = 0;
      for (const i of order) if ((c += w[i]) >= q - 1e-12) return values[i];
      return NaN;
    };
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(b), 1e-12), `${what}: ${a} vs ${b}`);
    const groups = [...layers.map((_, l) => ({ stats: noise.layers[l], indices: members(l), name: layers[l] })), { stats: noise.total, indices: graph.parameters.map((_, i) => i), name: 'total' }];
    for (const { stats, indices, name } of groups) {
      const expected = bruteForce(indices);
      close(stats.meanNorm, expected.meanNorm, `${name} ||E g||`);
      close(stats.traceCovariance, expected.trace, `${name} tr Cov`);
      close(stats.snr, expected.meanNorm ** 2 / expected.trace, `${name} SNR`);
      close(stats.cosine.mean, expected.cosines.reduce((s, c, k) => s + w[k] * c, 0), `${name} mean cosine`);
      close(stats.cosine.p5, quantile(expected.cosines, 0.05), `${name} 5th percentile`);
      close(stats.cosine.p95, quantile(expected.cosines, 0.95), `${name} 95th percentile`);
      close(stats.cleanCosine, expected.clean, `${name} clean cosine`);
      const z = zForConfidence(settings.confidence);
      assert.equal(stats.samplesNeeded, Math.ceil((z * z * expected.trace) / (settings.tolerance ** 2 * expected.meanNorm ** 2)));
    }
    assert.equal(noise.error, null);
  } finally {
    await graph.release();
  }
});

test('samples needed: Monte-Carlo averages of N augmented gradients reach the tolerance as the formula says', async () => {
  const rng = createRng(8);
  const { outcomes, images } = randomOutcomes(rng, 40, CONV_INPUT, 2);
  const tolerance = 0.05;
  const graph = await parameterGraph(convModel(), CONV_INPUT);
  try {
    const each = await convGradients(graph, images);
    const flat = each.map((parts) => Float64Array.from(parts.flatMap((p) => Array.from(p))));
    const noise = await parameterNoise(graph.parameters, outcomes, async (img) => each[images.indexOf(img)], each[0], { confidence: 0.95, tolerance }, quiet);
    const N = noise.total.samplesNeeded;
    assert.ok(N >= 5 && N <= 2000, `N = ${N}: the test wants a noisy but not hopeless gradient`);
    const mean = Float64Array.from(noise.mean.flatMap((p) => Array.from(p)));
    const meanSquared = mean.reduce((s, v) => s + v * v, 0);
    const cumulative = Array.from(outcomes.weights as Float64Array);
    for (let k = 1; k < cumulative.length; k++) cumulative[k] += cumulative[k - 1];
    const trials = 400;
    const mc = createRng(21);
    let squaredErrors = 0;
    let within = 0;
    for (let trial = 0; trial < trials; trial++) {
      const average = new Float64Array(mean.length);
      for (let s = 0; s < N; s++) {
        const u = mc.next();
        const k = Math.min(cumulative.findIndex((c) => c >= u), flat.length - 1);
        for (let j = 0; j < average.length; j++) average[j] += flat[k][j] / N;
      }
      const e2 = average.reduce((s, v, j) => s + (v - mean[j]) ** 2, 0) / meanSquared;
      squaredErrors += e2;
      if (e2 <= tolerance ** 2) within++;
    }
    // E||mean of N - E g||^2 = tr Cov / N: the formula puts it at (eps / z)^2 (N rounded up: at most that).
    const z = zForConfidence(0.95);
    const expected = noise.total.traceCovariance / (N * meanSquared);
    assert.ok(expected <= (tolerance / z) ** 2 && expected >= ((tolerance / z) ** 2 * (N - 1)) / N);
    const measured = squaredErrors / trials;
    assert.ok(Math.abs(measured / expected - 1) < 0.15, `mean squared relative error ${measured} vs ${expected}`);
    // Markov's inequality on the squared error: at least 1 - 1/z^2 of the averages are within the tolerance.
    assert.ok(within / trials >= 1 - 1 / (z * z), `${within} of ${trials} within ${tolerance}`);
  } finally {
    await graph.release();
  }
});

test('analyze with parameters on the CIFAR fixture: exact over crop + flip, sampled past the budget, the lattice rule for a rotation, every key of the schema', { skip: fixturesMissing }, async () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '../../../schemas/report-parameters.schema.json'), 'utf8'));
  const params = {
    ...defaults([join(FIXTURES, 'images', 'kitten_224.png')], 'RandomCrop(32, padding=4); RandomHorizontalFlip()'),
    modelPath: join(FIXTURES, 'models', 'cifar10-tutorial.onnx'),
    size: [32, 32] as [number, number],
    preprocess: { preset: 'cifar' },
    topK: 0,
    monteCarloSamples: 0,
    gradient: 'none' as const,
    parameters: true,
  };
  const run = async (budget: number) => (await analyze({ ...params, forwardBudget: budget }, { progress: () => {}, log: () => {} })).report.images[0].model!.parameters as ParametersReport;
  const exact = await run(4096);
  assert.equal(exact.method, 'exact');
  assert.equal(exact.outcomes, 162);
  assert.equal(exact.gradientRuns, 2 * 162 + 1);
  assert.deepEqual(Object.keys(exact).sort(), [...schema.oneOf[0].required].sort());
  const statsKeys = [...schema.definitions.stats.required].sort();
  assert.deepEqual(Object.keys(exact.total).sort(), statsKeys);
  assert.deepEqual(Object.keys(exact.layers[0]).sort(), [...statsKeys, 'layer', 'op', 'parameters'].sort());
  assert.equal(exact.total.size, 50182);
  const sum = (f: (l: ParametersReport['layers'][number]) => number) => exact.layers.reduce((a, l) => a + f(l), 0);
  assert.equal(sum((l) => l.size), exact.total.size);
  assert.ok(Math.abs(sum((l) => l.traceCovariance) - exact.total.traceCovariance) <= 1e-9 * exact.total.traceCovariance);
  assert.ok(Math.abs(sum((l) => l.meanNorm ** 2) - exact.total.meanNorm ** 2) <= 1e-9 * exact.total.meanNorm ** 2);
  const sampled = await run(64);
  assert.equal(sampled.method, 'sampled');
  assert.equal(sampled.outcomes, 64);
  assert.ok(sampled.error && sampled.error.replicates === 8);
  // The sampled E[g] is within its stated half-width of the exact one (a 95% statement: checked with 2x margin).
  assert.ok(Math.abs(sampled.total.meanNorm - exact.total.meanNorm) <= 2 * sampled.error.meanRelative * exact.total.meanNorm);
  const rotated = (await analyze({ ...params, policy: 'RandomRotation(10); RandomHorizontalFlip()', forwardBudget: 128 }, { progress: () => {}, log: () => {} })).report.images[0].model!;
  const lattice = rotated.parameters as ParametersReport;
  assert.equal(lattice.method, 'quadrature');
  assert.equal(lattice.outcomes, rotated.quadrature!.levels[rotated.quadrature!.levels.length - 1].nodes, 'the points E[loss] converged with');
  assert.ok(lattice.error && lattice.error.meanRelative > 0 && lattice.error.traceRelative > 0);
});

test('pooled over images: across-image plus within-augmentation variance is the variance of the pooled outcome set (law of total variance)', async () => {
  const rng = createRng(13);
  const graph = await parameterGraph(convModel(), CONV_INPUT);
  try {
    const sets = [randomOutcomes(rng, 6, CONV_INPUT), randomOutcomes(rng, 9, CONV_INPUT)];
    const gradientAt = async (img: Image) => (await convGradients(graph, [img]))[0];
    const pool = new ParameterPool();
    for (const { outcomes, images } of sets) {
      const noise = await parameterNoise(graph.parameters, outcomes, gradientAt, await gradientAt(images[0]), settings, quiet);
      pool.add(graph.parameters, noise.mean, { ...noise, method: 'exact', note: '', outcomes: outcomes.size, target: 1, tolerance: 0.01, confidence: 0.95 });
    }
    const images = sets.flatMap((s) => s.images);
    const weights = Float64Array.from(sets.flatMap((s) => Array.from(s.outcomes.weights as Float64Array, (w) => w / sets.length)));
    const all = await parameterNoise(graph.parameters, { size: images.length, weights, image: (i) => images[i], replicates: null }, gradientAt, await gradientAt(images[0]), settings, quiet);
    const pooled = pool.result()!;
    assert.equal(pooled.images, 2);
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b), `${what}: ${a} vs ${b}`);
    close(pooled.total.meanNorm, all.total.meanNorm, '||E g||');
    close(pooled.total.acrossImages + pooled.total.withinAugmentations, all.total.traceCovariance, 'tr Cov');
    pooled.layers.forEach((l, i) => close(l.acrossImages + l.withinAugmentations, all.layers[i].traceCovariance, `${l.layer} tr Cov`));
    assert.ok(pooled.total.acrossImages > 0 && pooled.total.withinAugmentations > 0);
  } finally {
    await graph.release();
  }
});
