import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { flipHorizontal } from '../../../../src/core/augment/geometry';
import { controlledDrawer } from '../../../../src/core/moments/controlVariates';
import { flipPairedDrawer, outcomesOf } from '../../../../src/core/moments/flipPairing';
import { randomizedMoments } from '../../../../src/core/moments/randomizedMoments';
import { parsePolicy } from '../../../../src/core/policy';
import { createRng } from '../../../../src/core/rng';
import { join } from 'node:path';
import { loadInputImage } from '../../../../src/engine/analysis/inputImage';
import { FIXTURES, fixturesMissing } from '../../model/fixtures';
import { bruteMoments, maxAbsDiff, randomImage } from './bruteForce';
import { compose, crop, hflip } from './specs';

const img = randomImage(3, 9, 10, 4);
const rel = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.sqrt(Array.from(b, (v, i) => (a[i] - v) ** 2).reduce((x, y) => x + y, 0) / Array.from(b, (v) => v * v).reduce((x, y) => x + y, 0));

test('flip pairing: a draw gives both flip outcomes when only mirror-commuting steps follow the flip', () => {
  const policy = parsePolicy('Compose([RandomCrop(7, padding=1), RandomHorizontalFlip(p=0.3), ColorJitter(0.4, 0.4, 0.4), RandomGrayscale(0.2)])');
  const drawer = flipPairedDrawer(policy, img)!;
  const [a, b] = outcomesOf(drawer.draw(img, createRng(2)), drawer.mirror);
  assert.deepEqual([a.weight, b.weight], [0.7, 0.3]);
  assert.equal(maxAbsDiff(flipHorizontal(a.image).data, b.image.data), 0);
  assert.equal(flipPairedDrawer(parsePolicy('Compose([RandomHorizontalFlip(), RandomRotation(10)])'), img), null, 'a rotation after the flip does not commute with it');
  assert.equal(flipPairedDrawer(parsePolicy('Compose([RandomRotation(10), RandomCrop(8)])'), img), null, 'no flip');
});

test('randomized lattice with flip pairing: an unbiased estimate whose reported error covers the exact moments', () => {
  // Crop + flip + brightness has an exact per-pixel route to check against; the randomized rule ignores it.
  const policy = compose(crop(7, 1), hflip(), { kind: 'ColorJitter', brightness: [0.6, 1.4], contrast: null, saturation: null, hue: null });
  const exact = bruteMoments(compilePolicy(compose(crop(7, 1), hflip()), img).enumerate(img).flatMap((o) =>
    Array.from({ length: 2000 }, (_, j) => {
      const f = 0.6 + (0.8 * (j + 0.5)) / 2000;
      return { weight: o.weight / 2000, image: { ...o.image, data: o.image.data.map((v) => Math.min(1, Math.max(0, Math.fround(v * f)))) } };
    }),
  ));
  const exactVariance = exact.variance;
  for (const drawer of [flipPairedDrawer(policy, img)!, undefined]) {
    const step = compilePolicy(policy, img);
    const r = randomizedMoments(step, img, { tolerance: 0.01, replicates: 8, firstPoints: 16, maxDraws: 1 << 16, seed: 3, drawer });
    assert.ok(r.toleranceMet, `tolerance met (${r.draws} draws)`);
    const meanErr = rel(r.pixel.mean, exact.mean);
    const varErr = rel(r.pixel.variance, exactVariance);
    // The grid in the brightness factor is off by ~1e-7; the estimates are root-mean-square errors.
    assert.ok(meanErr <= 3 * r.meanError + 1e-6, `mean ${meanErr} vs estimate ${r.meanError}`);
    assert.ok(varErr <= 3 * r.varianceError + 1e-6, `variance ${varErr} vs estimate ${r.varianceError}`);
  }
});

test('control variates: the exact moments of crop + flip cut the draws for crop + flip + brightness, and stay honest', async () => {
  const policy = compose(crop(7, 1), hflip(), { kind: 'ColorJitter', brightness: [0.6, 1.4], contrast: null, saturation: null, hue: null });
  const exact = bruteMoments(compilePolicy(compose(crop(7, 1), hflip()), img).enumerate(img).flatMap((o) =>
    Array.from({ length: 2000 }, (_, j) => {
      const f = 0.6 + (0.8 * (j + 0.5)) / 2000;
      return { weight: o.weight / 2000, image: { ...o.image, data: o.image.data.map((v) => Math.min(1, Math.max(0, Math.fround(v * f)))) } };
    }),
  ));
  const controlled = controlledDrawer(policy, img, compilePolicy(policy, img).outputShape, null)!;
  assert.equal(controlled.prefix, 'RandomCrop + RandomHorizontalFlip');
  const step = compilePolicy(policy, img);
  const settings = { tolerance: 0.005, replicates: 8, firstPoints: 16, maxDraws: 1 << 16, seed: 3 };
  const plain = randomizedMoments(step, img, { ...settings, drawer: flipPairedDrawer(policy, img)! });
  const withControl = randomizedMoments(step, img, { ...settings, drawer: controlled.drawer, control: controlled.control });
  assert.ok(withControl.toleranceMet && withControl.draws < plain.draws, `draws ${withControl.draws} with the control, ${plain.draws} without`);
  assert.ok(rel(withControl.pixel.mean, exact.mean) <= 3 * withControl.meanError + 1e-6);
  assert.ok(rel(withControl.pixel.variance, exact.variance) <= 3 * withControl.varianceError + 1e-6);
});

test('the reported root-mean-square errors are calibrated over independent randomizations', () => {
  const policy = compose(crop(7, 1), { kind: 'ColorJitter', brightness: [0.6, 1.4], contrast: [0.7, 1.3], saturation: null, hue: null });
  const step = compilePolicy(policy, img);
  // The truth: a long randomized run (its own error is ~10x below the runs checked).
  const truth = randomizedMoments(step, img, { tolerance: 0, replicates: 8, firstPoints: 8192, maxDraws: 65536, seed: 99 });
  const ratios: number[] = [];
  for (let seed = 0; seed < 24; seed++) {
    const r = randomizedMoments(step, img, { tolerance: 0, replicates: 8, firstPoints: 64, maxDraws: 512, seed });
    ratios.push(rel(r.pixel.mean, truth.pixel.mean) / r.meanError, rel(r.pixel.variance, truth.pixel.variance) / r.varianceError);
  }
  // Actual error / estimate: about 1 on average if the estimate is calibrated (a wrong scale would be 3x off).
  const rms = Math.sqrt(ratios.reduce((s, x) => s + x * x, 0) / ratios.length);
  assert.ok(rms > 0.6 && rms < 1.5, `actual / estimated error: root mean square ${rms.toFixed(2)} over ${ratios.length} runs`);
});

test('control variates stay stable where the control rarely moves (a rotation fill at the corners)', { skip: fixturesMissing }, async () => {
  const kitten = loadInputImage(join(FIXTURES, 'images', 'kitten_224.png'), [96, 96]);
  const policy = parsePolicy('Compose([RandomCrop(96, padding=4), RandomHorizontalFlip(), RandomRotation(10, interpolation=InterpolationMode.BILINEAR), ColorJitter(0.2, 0.2)])');
  const step = compilePolicy(policy, kitten);
  const controlled = controlledDrawer(policy, kitten, step.outputShape, null)!;
  for (let seed = 0; seed < 3; seed++) {
    // The coefficients come from the first 64 points; the draws after them move the rarely moving controls.
    const settings = { tolerance: 0, replicates: 8, firstPoints: 64, maxDraws: 2048, seed };
    const plain = randomizedMoments(step, kitten, settings);
    const withControl = randomizedMoments(step, kitten, { ...settings, drawer: controlled.drawer, control: controlled.control });
    assert.ok(withControl.varianceError < plain.varianceError, `seed ${seed}: variance error ${withControl.varianceError} with the control, ${plain.varianceError} without`);
    assert.ok(withControl.meanError < plain.meanError, `seed ${seed}: mean error ${withControl.meanError} with the control, ${plain.meanError} without`);
  }
});
