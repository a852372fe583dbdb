import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParameterNoiseView, ParametersView, PooledParametersView } from '../../../src/shared/parametersView';
import { layerBars, pooledRows, trainingRows } from '../../../webview/results/trainingRows';

const noise = (samplesNeeded: number | null, snr: number | null, p5 = -0.2, p95 = 0.8, mean = 0.5): ParameterNoiseView => ({
  size: 4,
  meanNorm: 1,
  traceCovariance: 1,
  snr,
  samplesNeeded,
  cosine: { mean, p5, p95 },
  cleanCosine: 0.7,
});

const view = (layers: [string, ParameterNoiseView][], total: ParameterNoiseView): ParametersView => ({
  method: 'exact',
  note: '',
  outcomes: 18,
  target: 3,
  tolerance: 0.01,
  confidence: 0.95,
  total,
  layers: layers.map(([layer, n]) => ({ layer, op: 'Conv', ...n })),
  error: null,
});

test('layer bars: log widths shared by the layers and the total, unbounded and infinite fill the track', () => {
  const bars = layerBars(view([['a', noise(100, 10)], ['b', noise(10_000, 0.1)], ['c', noise(null, null)]], noise(1000, 1)));
  assert.deepEqual(bars.map((b) => b.name), ['a', 'b', 'c', 'Total']);
  assert.equal(bars[3].op, '', 'the total row has no operator');
  // samples: positive values 100..10000, track from 10 to 10000 (three decades)
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  close(bars[0].samplesWidth, 1 / 3);
  close(bars[1].samplesWidth, 1);
  close(bars[3].samplesWidth, 2 / 3);
  assert.equal(bars[2].samplesWidth, 1);
  assert.equal(bars[2].samplesNeeded, 'unbounded');
  // SNR: 0.1..10, track from 0.01 to 10
  close(bars[0].snrWidth, 1);
  close(bars[1].snrWidth, 1 / 3);
  assert.equal(bars[2].snrWidth, 1);
  assert.equal(bars[2].snr, 'infinite');
});

test('layer bars: the cosine range and mean on the [-1, 1] axis, clamped', () => {
  const [bar, total] = layerBars(view([['a', noise(1, 1, -0.2, 0.8, 0.5)]], noise(1, 1, -1.000001, 1, 0)));
  assert.ok(Math.abs(bar.cosineLeft - 0.4) < 1e-12);
  assert.ok(Math.abs(bar.cosineWidth - 0.5) < 1e-12);
  assert.ok(Math.abs(bar.cosineMean - 0.75) < 1e-12);
  assert.equal(total.cosineLeft, 0);
  assert.equal(total.cosineWidth, 1);
  assert.equal(bar.cosine, '0.5 [-0.2, 0.8]');
});

test('layer bars: a single positive value fills its track; zero counts get no bar', () => {
  const bars = layerBars(view([['a', noise(0, 0)]], noise(50, 2)));
  assert.equal(bars[0].samplesWidth, 0);
  assert.equal(bars[1].samplesWidth, 1);
  assert.equal(bars[0].snrWidth, 0);
});

test('rows: every figure with an explanation naming the tolerance and confidence', () => {
  const rows = trainingRows(view([], noise(12_345, 0.25)));
  assert.deepEqual(rows.map((r) => r.name), ['Gradient samples needed', 'Gradient SNR', 'cos(g, E[g])', 'cos(E[g], clean)', 'Gradients']);
  assert.equal(rows[0].value, '12,345');
  assert.match(rows[0].explanation, /within 1% .*95% confidence/);
  assert.equal(rows[1].value, '0.25');
  assert.ok(rows.every((r) => r.explanation.length > 20));
  const sampled = trainingRows({ ...view([], noise(1, 1)), method: 'sampled', error: { meanRelative: 0.02, traceRelative: 0.05, replicates: 8 } });
  assert.match(sampled[4].explanation, /drawn by weight .*8 replicates.*±2\.0%.*±5\.0%/);
});

test('pooled rows: the larger part of the variance says whether images or views help more', () => {
  const pooled = (acrossImages: number, withinAugmentations: number): PooledParametersView => ({
    images: 3,
    total: { size: 4, meanNorm: 1, acrossImages, withinAugmentations, snr: 0.5 },
    layers: [],
  });
  assert.match(pooledRows(pooled(1, 3))[1].explanation, /more augmented views per image reduce the noise more/);
  assert.match(pooledRows(pooled(3, 1))[1].explanation, /more images per batch reduce the noise more/);
  assert.equal(pooledRows(pooled(1, 3))[1].value, '3 (75%)');
  assert.match(pooledRows(pooled(0, 0))[1].explanation, /does not vary/);
});
