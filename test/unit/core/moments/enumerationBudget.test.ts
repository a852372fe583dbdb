import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { outcomeCount, outcomes, pointMixture, type Mixture } from '../../../../src/core/augment/mixture';
import { DEFAULT_ENUMERATION_BUDGET, passesBudget, pixelMomentsCost } from '../../../../src/core/moments/enumerationBudget';
import { imageMoments } from '../../../../src/core/moments/imageMoments';
import { combineOutcomes, outcomeOperator } from '../../../../src/core/moments/outcomeOperator';
import { pixelMoments } from '../../../../src/core/moments/pixelMoments';
import { matrixFreeCost } from '../../../../src/core/moments/covarianceEigen';
import { outcomeGramCost } from '../../../../src/core/moments/gram';
import { parsePolicy } from '../../../../src/core/policy';
import { bruteMoments, maxAbsDiff, randomImage } from './bruteForce';

const img = randomImage(3, 12, 12, 5);
const rel = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.sqrt(Array.from(b, (v, i) => (a[i] - v) ** 2).reduce((x, y) => x + y, 0) / Array.from(b, (v) => v * v).reduce((x, y) => x + y, 0));
const stackedCrops = 'Compose([RandomCrop(12, padding=2), RandomCrop(12, padding=2), RandomCrop(12, padding=2)])';

test('the budget bounds the outcomes of every step of a lift before it is made, from the structure alone', () => {
  for (const policy of [stackedCrops, 'Compose([RandomCrop(10, padding=1), RandomHorizontalFlip(), RandomGrayscale(0.2), RandomCrop(8), Normalize([0.5, 0.5, 0.5], [0.2, 0.2, 0.2])])']) {
    const step = compilePolicy(parsePolicy(policy), img);
    let m: Mixture = pointMixture(img);
    for (const s of step.parts!) {
      const next = s.lift(m);
      const outcomesAllowed = { outcomes: outcomeCount(next) - 1, values: Infinity };
      assert.ok(passesBudget(s, m, outcomesAllowed), `${s.label}: ${outcomeCount(next)} outcomes not caught by a budget one below`);
      m = next;
    }
  }
  const step = compilePolicy(parsePolicy(stackedCrops), img);
  const afterTwo = step.parts![1].lift(step.parts![0].lift(pointMixture(img)));
  assert.match(passesBudget(step.parts![2], afterTwo, { outcomes: 1000, values: Infinity })!, /RandomCrop would make up to 7,225 outcomes, past the limit of 1,000/);
  assert.match(passesBudget(step.parts![2], afterTwo, { outcomes: Infinity, values: 1000 })!, /canvas values, past the limit/);
});

test('the cost of exact per-pixel moments: box sums for a factorising offset law, one pass per offset otherwise', () => {
  const base = randomImage(3, 20, 20, 1);
  const shape = { channels: 3, height: 10, width: 10 };
  const k = Array.from({ length: 121 }, (_, i) => i);
  const grid = { dy: Int32Array.from(k, (i) => Math.floor(i / 11)), dx: Int32Array.from(k, (i) => i % 11), p: new Float64Array(121).fill(1 / 121) };
  const diagonal = { dy: Int32Array.from({ length: 11 }, (_, i) => i), dx: Int32Array.from({ length: 11 }, (_, i) => i), p: new Float64Array(11).fill(1 / 11) };
  assert.equal(pixelMomentsCost({ shape, families: [{ weight: 1, base, offsets: grid }] }), 2 * 4 * 1200);
  assert.equal(pixelMomentsCost({ shape, families: [{ weight: 1, base, offsets: diagonal }] }), 2 * 11 * 300);
});

test('past the enumeration budget the randomized rule takes over, says why, and its error covers the exact moments', async () => {
  // The exact reference: 15,625 outcomes, no eigenpairs (they would take sigma points).
  const exact = await imageMoments(img, parsePolicy(stackedCrops), { topK: 0, tolerance: 0.02 });
  assert.equal(exact.quadrature, null);
  assert.equal(exact.reductions.length, 0);
  const brute = bruteMoments(compilePolicy(parsePolicy(stackedCrops), img).enumerate(img));
  assert.ok(maxAbsDiff(exact.pixel.variance, brute.variance) < 1e-12);
  const messages: string[] = [];
  const r = await imageMoments(img, parsePolicy(stackedCrops), { topK: 2, tolerance: 0.02, enumerationBudget: { outcomes: 1000, values: 1e8 }, onProgress: (_, m) => messages.push(m) });
  assert.equal(r.quadrature?.pixelMethod, 'randomized');
  assert.match(r.quadrature!.rule, /^exact enumeration stopped before step 3: RandomCrop would make up to 7,225 outcomes, past the limit of 1,000 for exact enumeration; randomized/);
  assert.ok(messages.some((m) => m.startsWith('exact enumeration stopped')));
  assert.ok(r.quadrature!.randomized!.toleranceMet);
  assert.ok(rel(r.pixel.mean, exact.pixel.mean) < 4 * r.quadrature!.meanError!, `mean error ${rel(r.pixel.mean, exact.pixel.mean)} vs reported ${r.quadrature!.meanError}`);
  assert.ok(rel(r.pixel.variance, exact.pixel.variance) < 4 * r.quadrature!.varianceError!);
  assert.equal(r.eigen?.values.length, 2);
});

test('past the eigen budget the per-pixel moments stay exact and only the eigenpairs are drawn', async () => {
  const policy = parsePolicy('Compose([RandomCrop(12, padding=3), RandomHorizontalFlip(), RandomVerticalFlip()])');
  const exact = await imageMoments(img, policy, { topK: 3, tolerance: 0.01, gramLimit: 100 });
  assert.equal(exact.eigen?.method, 'matrix-free');
  const r = await imageMoments(img, policy, { topK: 3, tolerance: 0.01, gramLimit: 100, eigenBudget: 1000 });
  assert.equal(r.quadrature?.pixelMethod, 'exact');
  assert.match(r.quadrature!.rule, /^exact eigenpairs of 196 outcomes would take about .* multiply-adds, past the limit of 1\.0e\+3; exact per-pixel moments; eigenpairs from a randomized/);
  assert.equal(maxAbsDiff(r.pixel.variance, exact.pixel.variance), 0);
  assert.equal(r.outcomes, 196);
  assert.equal(outcomeCount(r.mixture), 196, 'the exact outcome set stays the model\'s');
  assert.ok(Math.abs(r.eigen!.values[0] - exact.eigen!.values[0]) < 0.2 * exact.eigen!.values[0]);
});

test('eigenpairs by the cheaper exact route: matrix-free when the Gram matrix of many families would cost more', async () => {
  const policy = parsePolicy('Compose([RandomCrop(12, padding=3), RandomCrop(10, padding=2), RandomVerticalFlip()])');
  const m = compilePolicy(policy, img).lift(pointMixture(img));
  const n = outcomeCount(m);
  const gram = outcomeGramCost(m) + n * n * 2 * 20;
  const free = matrixFreeCost(m, pixelMoments(m), 2);
  assert.ok(free < gram, `matrix-free ${free} vs Gram ${gram}`);
  const viaGram = await imageMoments(img, policy, { topK: 2, tolerance: 0.01 });
  const chosen = await imageMoments(img, policy, { topK: 2, tolerance: 0.01, eigenBudget: 2 * gram });
  assert.equal(viaGram.eigen?.method, 'gram');
  assert.equal(chosen.eigen?.method, 'matrix-free');
  chosen.eigen!.values.forEach((v, i) => assert.ok(Math.abs(v - viaGram.eigen!.values[i]) < 1e-9 * viaGram.eigen!.values[0]));
});

test('progress inside the stage: each enumerated step, the pixel moments and the Krylov iterations, fractions rising', async () => {
  const seen: [number, string][] = [];
  await imageMoments(img, parsePolicy('Compose([RandomCrop(12, padding=3), RandomHorizontalFlip(), RandomGrayscale(0.5)])'), { topK: 2, tolerance: 0.01, gramLimit: 100, onProgress: (f, m) => seen.push([f, m]) });
  assert.deepEqual(seen.slice(0, 3).map(([, m]) => m), ['exact outcomes: 49 after RandomCrop', 'exact outcomes: 98 after RandomHorizontalFlip', 'exact outcomes: 196 after RandomGrayscale']);
  assert.equal(seen[3][1], 'per-pixel moments of 196 outcomes');
  assert.ok(seen.slice(4).length >= 2 && seen.slice(4).every(([, m]) => m.startsWith('eigenpairs: Krylov basis')));
  seen.forEach(([f], i) => assert.ok(f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1][0])));
});

test('window dot products and weighted window sums by the correlation theorem equal the direct ones, an odd number of families and canvases of several sizes', () => {
  const shape = { channels: 3, height: 24, width: 24 };
  const grid = (n: number) => {
    const k = Array.from({ length: n * n }, (_, i) => i);
    return { dy: Int32Array.from(k, (i) => Math.floor(i / n)), dx: Int32Array.from(k, (i) => i % n), p: new Float64Array(n * n).fill(1 / (n * n)) };
  };
  const m: Mixture = {
    shape,
    families: [
      { weight: 0.5, base: randomImage(3, 44, 44, 1), offsets: grid(21) },
      { weight: 0.3, base: randomImage(3, 44, 44, 2), offsets: grid(21) },
      { weight: 0.2, base: randomImage(3, 40, 44, 3), offsets: grid(17) },
    ],
  };
  const moments = pixelMoments(m);
  const op = outcomeOperator(m, moments);
  assert.ok(op.costPerVector < 1.2 * outcomeCount(m) * 1728, 'both transform routes are the ones taken (one direct route alone costs outcomes x values)');
  const v = randomImage(3, 24, 24, 9).data;
  const fast = op.dots(Float64Array.from(v));
  const muV = moments.mean.reduce((s, x, i) => s + x * v[i], 0);
  const direct = [...outcomes(m)].map((o) => o.image.data.reduce((s, x, i) => s + x * v[i], 0) - muV);
  assert.ok(maxAbsDiff(fast, direct) < 1e-9 * Math.max(...direct.map(Math.abs)), `differ by ${maxAbsDiff(fast, direct)}`);
  const coefs = [Float64Array.from(direct, (_, i) => Math.sin(i)), Float64Array.from(direct, (_, i) => (i % 7) - 3)];
  const sums = op.combine(coefs);
  const plain = combineOutcomes(m, moments, coefs);
  coefs.forEach((_, v) => assert.ok(maxAbsDiff(sums[v], plain[v]) < 1e-9 * Math.max(...plain[v].map(Math.abs)), `sums differ by ${maxAbsDiff(sums[v], plain[v])}`));
});

test('the issue\'s three policies on a small image, in bounded time', async () => {
  const small = randomImage(3, 24, 24, 8);
  const flips = Array.from({ length: 12 }, () => 'RandomHorizontalFlip()').join(', ');
  const cases = [
    ['Compose([RandomCrop(24, padding=4), RandomHorizontalFlip(), RandomVerticalFlip(), RandomGrayscale(0.1)])', 648, null],
    [`Compose([${flips}])`, 2, null],
    // 531,441 draws, 2,401 outcomes after two crops: the third stays within the enumeration budget (54,289 outcomes,
    // exact per-pixel moments), its eigenpairs past the eigen budget.
    ['Compose([RandomCrop(24, padding=4), RandomCrop(24, padding=4), RandomCrop(24, padding=4)])', 54289, 'exact'],
    ['Compose([RandomCrop(24, padding=4), RandomCrop(24, padding=4), RandomCrop(24, padding=4), RandomCrop(24, padding=4)])', null, 'randomized'],
  ] as const;
  assert.ok(DEFAULT_ENUMERATION_BUDGET.outcomes < 81 ** 3);
  for (const [policy, count, method] of cases) {
    const t = performance.now();
    const r = await imageMoments(small, parsePolicy(policy), { topK: 8, tolerance: 0.01, gramLimit: 300 });
    const seconds = (performance.now() - t) / 1000;
    assert.ok(seconds < 30, `${policy}: ${seconds.toFixed(1)} s`);
    if (count !== null) assert.equal(r.outcomes, count);
    assert.equal(r.quadrature?.pixelMethod ?? null, method);
  }
});
