import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNumberList } from '../../../webview/format';
import { niceTicks, logTicks, linearScale, logScale } from '../../../webview/plots/scales';
import { checkPolicy } from '../../../webview/policyCheck';
import { displayMaps, isNonUniform, mapRanges, pixelScale } from '../../../webview/results/maps';
import { numberRows } from '../../../webview/results/numberRows';
import { imageResult } from '../shared/fixtures';

test('maps: channel sums of the variance, eigen-images and saliency maps match a direct computation', () => {
  const result = imageResult();
  const maps = displayMaps(result);
  assert.deepEqual(maps.map((m) => m.key), ['clean', 'mean', 'variance', 'eigen-1', 'eigen-2', 'saliency', 'saliency-mean', 'saliency-std']);
  const { variance, eigenvectors, saliencyMean, saliencyTimesStd } = result.arrays;
  const plane = 20;
  const sum3 = (a: Float32Array, offset: number, p: number) => a[offset + p] + a[offset + plane + p] + a[offset + 2 * plane + p];
  for (let p = 0; p < plane; p++) {
    assert.ok(Math.abs(maps[2].values[p] - sum3(variance, 0, p)) < 1e-6);
    assert.ok(Math.abs(maps[4].values[p] - sum3(eigenvectors, 60, p)) < 1e-6);
    assert.ok(Math.abs(maps[6].values[p] - sum3(saliencyMean!, 0, p)) < 1e-6);
    assert.ok(Math.abs(maps[7].values[p] - sum3(saliencyTimesStd!, 0, p)) < 1e-6);
  }
  assert.equal(maps[0].kind, 'image', 'a [0, 1] RGB image is shown as is');
  assert.equal(maps[1].kind, 'sequential', 'the mean leaves [0, 1] here, so its channel average is colour-mapped');
  assert.deepEqual(maps.map((m) => m.kind).slice(3), ['diverging', 'diverging', 'diverging', 'diverging', 'sequential']);
});

test('ranges: diverging maps symmetric, magnitudes from 0, shared within a kind and across compared columns', () => {
  const a = displayMaps(imageResult());
  const doubled = imageResult();
  const b = displayMaps({ ...doubled, arrays: { ...doubled.arrays, variance: doubled.arrays.variance.map((v) => 2 * v) } });
  const shared = mapRanges([a, b], 'shared');
  const perMap = mapRanges([a, b], 'per-map');
  const e1 = shared.get('0:eigen-1')!;
  assert.equal(e1.lo, -e1.hi);
  assert.deepEqual(shared.get('0:eigen-1'), shared.get('0:eigen-2'), 'shared: all eigen-images on one scale');
  assert.notDeepEqual(perMap.get('0:eigen-1'), perMap.get('0:eigen-2'));
  assert.deepEqual(perMap.get('0:variance'), perMap.get('1:variance'), 'compared columns always share a map scale');
  const maxB = Math.max(...b[2].values);
  assert.deepEqual(perMap.get('0:variance'), { lo: 0, hi: maxB });
  assert.deepEqual(shared.get('0:clean'), { lo: 0, hi: 1 });
});

test('zoom: fit to about 160 pixels unless chosen', () => {
  assert.equal(pixelScale(0, 28, 28), 6);
  assert.equal(pixelScale(0, 32, 32), 5);
  assert.equal(pixelScale(0, 224, 224), 1);
  assert.equal(pixelScale(4, 224, 224), 4);
});

test('canvas uniformity check', () => {
  assert.equal(isNonUniform(new Uint8ClampedArray([1, 2, 3, 255, 1, 2, 3, 255])), false);
  assert.equal(isNonUniform(new Uint8ClampedArray([1, 2, 3, 255, 1, 2, 4, 255])), true);
});

test('plot scales: round linear ticks, log ticks per decade, monotone mapping', () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-3, 7, 5), [-2, 0, 2, 4, 6]);
  assert.deepEqual(logTicks(0.05, 2000), [0.1, 1, 10, 100, 1000]);
  assert.deepEqual(logTicks(0.9, 21), [1, 2, 5, 10, 20]);
  assert.deepEqual(logTicks(3, 40), [5, 10, 20]);
  const y = logScale([1, 100], [200, 0]);
  assert.equal(y(1), 200);
  assert.equal(y(10), 100);
  assert.equal(linearScale([0, 10], [0, 100])(2.5), 25);
});

test('policy check: canonical form, or the error position with a caret under the span', () => {
  const ok = checkPolicy('RandomCrop(24, padding=2); RandomHorizontalFlip()');
  assert.ok(ok.ok && ok.canonical.startsWith('Compose([RandomCrop('));
  const bad = checkPolicy('RandomHorizontalFlip()\nRandomCrp(24)');
  assert.ok(!bad.ok);
  assert.match(bad.message, /^line 2, column 1: unknown transform 'RandomCrp'/);
  assert.equal(bad.frame, 'RandomCrp(24)\n^^^^^^^^^');
});

test('number lists for mean and std', () => {
  assert.deepEqual(parseNumberList('0.485, 0.456 0.406'), [0.485, 0.456, 0.406]);
  assert.equal(parseNumberList('  '), null);
  assert.equal(parseNumberList('1, x'), undefined);
  assert.equal(parseNumberList('1,2,3,4,5'), undefined);
});

test('numbers: each row explained; unbounded sample counts said in words', () => {
  const rows = numberRows(imageResult(), null);
  const byName = new Map(rows.map((r) => [r.name, r]));
  for (const name of ['E[loss]', 'Std[loss]', 'Samples needed', 'Flip rate', 'E[KL]', 'Std[loss], first order', 'E[loss], second order', 'Clean prediction', 'Outcomes']) {
    assert.ok(byName.get(name)?.explanation.length, name);
  }
  assert.equal(byName.get('Samples needed')?.value, 'unbounded');
  assert.equal(byName.get('Flip rate')?.value, '5.0%');
  assert.match(byName.get('Alignment')?.value ?? '', /^0\.4 \(<= 0\.5\)$/);
  assert.match(byName.get('Alignment')?.explanation ?? '', /40\.0% of it lies along the top eigen-images/);
  assert.equal(byName.get('E[loss], second order')?.value, '0.29 vs 0.3 (3.3% off)');
  assert.match(byName.get('E[loss], second order')?.explanation ?? '', /^Taylor approximation: /);
  assert.equal(byName.get('Taylor approximation'), undefined);
});

test('numbers: a warning from the engine comes first, in words', () => {
  const result = imageResult();
  assert.equal(numberRows(result, null).filter((r) => r.name === 'Warning').length, 0);
  const warned = numberRows({ ...result, model: { ...result.model!, warnings: ['the softmax is saturated'] } }, null);
  assert.equal(warned[0].name, 'Warning');
  assert.match(warned[0].explanation, /say nothing about stability: the softmax is saturated\.$/);
});

test('numbers: a Taylor expansion that does not hold says so on its rows and why', () => {
  const result = imageResult();
  const reason = 'the second-order E[loss] -0.936 is below 0, which the loss cannot be: the loss is far from quadratic over the augmentations';
  const analytic = { ...result.model!.analytic!, secondOrderExpectedLoss: -0.936, validity: { valid: false, reason, expectedLossGap: 4.1, stdLossGap: null } };
  const rows = new Map(numberRows({ ...result, model: { ...result.model!, analytic } }, null).map((r) => [r.name, r]));
  assert.match(rows.get('E[loss], second order')?.explanation ?? '', /^Taylor approximation \(not valid here\): /);
  assert.equal(rows.get('E[loss], second order')?.value, '-0.936 vs 0.3 (410.0% off)');
  assert.equal(rows.get('Std[loss], first order')?.value, '0.1 vs 0.1');
  assert.equal(rows.get('Taylor approximation')?.value, 'not valid here');
  assert.ok(rows.get('Taylor approximation')?.explanation.startsWith(reason));
});

test('numbers: a skipped saliency is a row saying why; finite differences asked for are not called a fallback', () => {
  const result = imageResult();
  const skipped = new Map(numberRows({ ...result, model: { ...result.model!, saliency: null, saliencySkipped: 'switched off (--gradient none)' } }, null).map((r) => [r.name, r]));
  assert.equal(skipped.get('Saliency')?.value, 'skipped');
  assert.match(skipped.get('Saliency')?.explanation ?? '', /No saliency was computed: switched off \(--gradient none\)/);
  const saliency = { ...result.model!.saliency!, method: 'central differences (requested with --gradient fd)', fallbackReason: null };
  const fd = new Map(numberRows({ ...result, model: { ...result.model!, saliency } }, null).map((r) => [r.name, r]));
  assert.equal(fd.get('Saliency')?.value, 'finite differences');
  assert.match(fd.get('Saliency')?.explanation ?? '', /^Finite differences were asked for/);
});

test('numbers of a continuous policy carry the quadrature error estimate', () => {
  const result = imageResult();
  const model = { ...result.model!, method: 'quadrature' as const, quadratureError: { expectedLoss: 0.0021, stdLoss: 0.0004, flipRate: 0.003 } };
  const byName = new Map(numberRows({ ...result, model }, null).map((r) => [r.name, r]));
  assert.equal(byName.get('E[loss]')?.value, '0.3 ± 0.0021');
  assert.equal(byName.get('Std[loss]')?.value, '0.1 ± 4e-4');
  assert.equal(byName.get('Flip rate')?.value, '5.0% ± 0.3%');
  assert.match(byName.get('Samples needed')?.explanation ?? '', /computed by a randomized lattice rule over the continuous parameters with .* \(±: 95% intervals from the spread of independently shifted lattice rules/);
  // With the run's tolerance known, the row says whether the intervals are within it.
  const summary = (tolerance: number) => ({ settings: { tolerance, confidence: 0.95, topK: 8, forwardBudget: 4096, monteCarloSamples: 0 } }) as unknown as Parameters<typeof numberRows>[1];
  const explain = (tolerance: number) => new Map(numberRows({ ...result, model }, summary(tolerance)).map((r) => [r.name, r])).get('Samples needed')?.explanation ?? '';
  assert.match(explain(0.05), /, within 5\.0%\)/);
  assert.match(explain(0.001), /E\[loss\] NOT within 0\.1%: the forward-pass budget ran out first/);
  // The rule stops on E[loss]: Std[loss] may be outside the tolerance when E[loss] is within it.
  const wideStd = { ...model, quadratureError: { ...model.quadratureError, stdLoss: 0.002 } };
  const stopped = new Map(numberRows({ ...result, model: wideStd }, summary(0.01)).map((r) => [r.name, r])).get('Samples needed')?.explanation ?? '';
  assert.match(stopped, /E\[loss\] within 1\.0%, where the rule stops; Std\[loss\] NOT within it\)/);
});

test('policy check: a long line is framed as a window around the error, as in the CLI', () => {
  const text = `Compose([${'RandomHorizontalFlip(), '.repeat(4000)}RandomCrp(24)])`;
  const bad = checkPolicy(text);
  assert.ok(!bad.ok);
  const [source, carets] = bad.frame.split('\n');
  assert.ok(source.length <= 86, `frame line of ${source.length} characters`);
  assert.ok(source.startsWith('...'));
  assert.equal(source.slice(carets.indexOf('^'), carets.lastIndexOf('^') + 1), 'RandomCrp');
});
