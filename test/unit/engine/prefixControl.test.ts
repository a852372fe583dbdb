import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../src/core/augment/compile';
import type { Image } from '../../../src/core/image';
import { argmax, crossEntropy } from '../../../src/core/outputs/classifier';
import { parsePolicy } from '../../../src/core/policy';
import { latticeSequence } from '../../../src/core/quadrature/latticeSequence';
import type { Rng } from '../../../src/core/rng';
import { countingModel } from '../../../src/engine/analysis/forward';
import { prefixControl } from '../../../src/engine/analysis/prefixControl';
import { randomizedModelMoments } from '../../../src/engine/analysis/randomizedModelMoments';
import { randomImage } from '../core/moments/bruteForce';
import { linearClassifier } from './linearClassifier';

const CLASSES = 3;
const img = randomImage(1, 10, 10, 5);
const POLICY = 'Compose([RandomCrop(10, padding=1), RandomHorizontalFlip(), RandomRotation(10, interpolation=InterpolationMode.BILINEAR, fill=0.3)])';
const policy = parsePolicy(POLICY);
const step = compilePolicy(policy, img);
const { logits, clean } = linearClassifier(img, CLASSES, 11);
const lossOf = (x: Image) => crossEntropy(logits(x), 'logits', clean.target);
const model = () => countingModel(async (images) => images.map(logits));
const quiet = () => {};
const R = 8;

/** E[loss] by brute force: the 18 crop and flip outcomes, each rotated at the midpoints of `n` cells of the angle. */
function bruteForce(n: number): number {
  const prefix = compilePolicy(parsePolicy('Compose([RandomCrop(10, padding=1), RandomHorizontalFlip()])'), img);
  const rotation = compilePolicy(parsePolicy('RandomRotation(10, interpolation=InterpolationMode.BILINEAR, fill=0.3)'), img);
  let mean = 0;
  for (const o of prefix.enumerate(img)) {
    for (let j = 0; j < n; j++) {
      const draw: Rng = { next: () => (j + 0.5) / n };
      mean += (o.weight * lossOf(rotation.sample(o.image, draw))) / n;
    }
  }
  return mean;
}

const PREFIX = 'Compose([RandomCrop(10, padding=1), RandomHorizontalFlip()])';
const ROTATION = 'RandomRotation(10, interpolation=InterpolationMode.BILINEAR, fill=0.3)';

test('the control: the longest enumerable prefix, its outcomes evaluated once, and each draw the policy\'s own with its prefix outcome\'s values', async () => {
  const m = model();
  // 18 outcomes fit, three nodes of the rotation for each (54 passes) do not.
  const control = (await prefixControl(policy, img, step.outputShape, m, clean, 40))!;
  assert.equal(control.label, 'RandomCrop + RandomHorizontalFlip');
  assert.equal(control.outcomes, 18);
  assert.equal(m.passes, 18);
  const outcomes = compilePolicy(parsePolicy(PREFIX), img).enumerate(img);
  const exact = outcomes.reduce((a, o) => a + o.weight * lossOf(o.image), 0);
  assert.ok(Math.abs(control.mean.loss - exact) < 1e-12);
  assert.ok(Math.abs(control.mean.loss2 - outcomes.reduce((a, o) => a + o.weight * lossOf(o.image) ** 2, 0)) < 1e-12);
  assert.ok(Math.abs(control.mean.flip - outcomes.reduce((a, o) => a + (argmax(logits(o.image)) !== clean.top1 ? o.weight : 0), 0)) < 1e-12);
  const sequence = latticeSequence(R, 4);
  const prefix = compilePolicy(parsePolicy(PREFIX), img);
  for (let k = 0; k < 40; k++) {
    const d = control.draw(img, sequence.point(k % R, k));
    assert.deepEqual(d.image.data, step.sample(img, sequence.point(k % R, k)).data, 'the same image as the policy\'s sampler at the point');
    assert.equal(d.control!.loss, lossOf(prefix.sample(img, sequence.point(k % R, k))), 'the loss at the point\'s prefix image');
  }
  assert.equal(m.passes, 18, 'draws cost no forward pass');
});

test('the control with the next step\'s nodes: each outcome rotated at u = 0, 1/2, 1, the draw\'s control the quadratic through them at its u, its mean exact', async () => {
  const m = model();
  const control = (await prefixControl(policy, img, step.outputShape, m, clean, 100))!;
  assert.equal(control.label, "RandomCrop + RandomHorizontalFlip, each at 3 values of RandomRotation's parameter");
  assert.equal(control.outcomes, 54);
  assert.equal(m.passes, 54);
  const prefix = compilePolicy(parsePolicy(PREFIX), img);
  const rotation = compilePolicy(parsePolicy(ROTATION), img);
  const at = (x: Image, u: number) => rotation.sample(x, { next: () => u });
  const quadratic = (x: Image, u: number) => {
    const [a, b, c] = [0, 0.5, 1].map((v) => lossOf(at(x, v)));
    const t = 2 * u - 1;
    return b + (t * (c - a)) / 2 + t * t * ((a + c) / 2 - b);
  };
  // The mean against the quadratics integrated over u by a fine midpoint rule (not by Simpson's rule).
  const cells = 2000;
  let integrated = 0;
  for (const o of prefix.enumerate(img)) for (let j = 0; j < cells; j++) integrated += (o.weight * quadratic(o.image, (j + 0.5) / cells)) / cells;
  assert.ok(Math.abs(control.mean.loss - integrated) < 1e-7, `${control.mean.loss} against ${integrated}`);
  const sequence = latticeSequence(R, 4);
  for (let k = 0; k < 40; k++) {
    const d = control.draw(img, sequence.point(k % R, k));
    assert.deepEqual(d.image.data, step.sample(img, sequence.point(k % R, k)).data, 'the same image as the policy\'s sampler at the point');
    const point = sequence.point(k % R, k);
    const g = prefix.sample(img, point);
    const u = point.next();
    assert.ok(Math.abs(d.control!.loss - quadratic(g, u)) < 1e-12, 'the quadratic of the point\'s prefix image at its own u');
  }
  // The control follows the loss more closely than the prefix image's loss alone.
  const residual = (values: (k: number) => number) => {
    let [s, s2] = [0, 0];
    for (let k = 0; k < 400; k++) {
      const r = lossOf(control.draw(img, sequence.point(k % R, k)).image) - values(k);
      s += r;
      s2 += r * r;
    }
    return s2 / 400 - (s / 400) ** 2;
  };
  const withNodes = residual((k) => control.draw(img, sequence.point(k % R, k)).control!.loss);
  const prefixOnly = residual((k) => lossOf(prefix.sample(img, sequence.point(k % R, k))));
  assert.ok(withNodes < 0.5 * prefixOnly, `residual variance ${withNodes} with the nodes, ${prefixOnly} with the prefix image alone`);
});

test('the control: a shorter prefix when the longer one has too many outcomes, none when no prefix qualifies, NaN outputs refused naming the image', async () => {
  const shorter = (await prefixControl(policy, img, step.outputShape, model(), clean, 17))!;
  assert.equal(shorter.label, 'RandomCrop');
  assert.equal(shorter.outcomes, 9);
  assert.equal(await prefixControl(policy, img, step.outputShape, model(), clean, 8), null);
  const jitterAfter = parsePolicy('Compose([RandomCrop(10, padding=1), RandomHorizontalFlip(), ColorJitter(0.2, 0.2)])');
  const plain = (await prefixControl(jitterAfter, img, step.outputShape, model(), clean, 100))!;
  assert.equal(plain.label, 'RandomCrop + RandomHorizontalFlip', 'a next step that reads three uniforms gets no nodes');
  assert.equal(plain.outcomes, 18);
  const broken = countingModel(async (images) => images.map((x) => Float32Array.from(logits(x), (v, i) => (i === 1 ? NaN : v))));
  await assert.rejects(prefixControl(policy, img, step.outputShape, broken, clean, 100), /the control's image \(an outcome of RandomCrop \+ RandomHorizontalFlip, RandomRotation at u = 0\): the model output NaN at class 1/);
  const rotationFirst = parsePolicy('Compose([RandomRotation(30), RandomHorizontalFlip()])');
  assert.equal(await prefixControl(rotationFirst, img, compilePolicy(rotationFirst, img).outputShape, model(), clean, 100), null);
});

test('with the control the 95% intervals of E[loss] cover the truth in about 95% of randomizations, and they are narrower', async () => {
  const truth = bruteForce(4000);
  const trials = 60;
  let [covered, controlled, plain] = [0, 0, 0];
  for (let seed = 0; seed < trials; seed++) {
    const m = model();
    const control = (await prefixControl(policy, img, step.outputShape, m, clean, 100))!;
    const sequence = latticeSequence(R, 200 + seed);
    const settings = { budget: 18 + 1 + 16 * R, tolerance: 0.5, confidence: 0.95, firstPoints: 16 };
    const r = await randomizedModelMoments((q, k) => control.draw(img, sequence.point(q, k)), R, control, m, clean, settings, quiet);
    assert.match(r.note, /corrected by a control variate of exact mean/);
    const half = r.quadrature!.error!.expectedLoss;
    if (Math.abs(r.moments.expectedLoss - truth) <= half) covered++;
    controlled += half;
    const p = await randomizedModelMoments((q, k) => ({ image: step.sample(img, sequence.point(q, k)) }), R, null, model(), clean, settings, quiet);
    plain += p.quadrature!.error!.expectedLoss;
  }
  // Binomial(60, 0.95): below 50 has probability < 1e-3; the brute force is itself off by ~1e-7.
  assert.ok(covered >= 50, `covered ${covered} of ${trials}`);
  assert.ok(controlled < 0.8 * plain, `mean half-width ${controlled / trials} with the control, ${plain / trials} without`);
});

test('stopping at the first doubling within the tolerance, the 95% intervals of E[loss] still cover the truth about 95% of the time', async () => {
  const truth = bruteForce(4000);
  const trials = 200;
  let covered = 0;
  const levels = new Set<number>();
  for (let seed = 0; seed < trials; seed++) {
    const m = model();
    const control = (await prefixControl(policy, img, step.outputShape, m, clean, 100))!;
    const sequence = latticeSequence(R, 9000 + seed);
    const settings = { budget: 1_000_000, tolerance: 0.01, confidence: 0.95, firstPoints: 16 };
    const r = await randomizedModelMoments((q, k) => control.draw(img, sequence.point(q, k)), R, control, m, clean, settings, quiet);
    assert.ok(r.quadrature!.error!.expectedLoss <= 0.01 * r.moments.expectedLoss);
    levels.add(r.quadrature!.levels.length);
    if (Math.abs(r.moments.expectedLoss - truth) <= r.quadrature!.error!.expectedLoss) covered++;
  }
  assert.ok(levels.size >= 3, `the stops fall on several levels: ${[...levels]}`);
  // Binomial(200, 0.95): below 180 has probability 1e-3.
  assert.ok(covered >= 180, `covered ${covered} of ${trials}`);
});
