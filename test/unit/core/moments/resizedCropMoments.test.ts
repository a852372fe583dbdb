import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropImage } from '../../../../src/core/augment/geometry';
import { axisWeights, resizeImage, type ResizeOptions } from '../../../../src/core/augment/resize';
import { resizedCropLaw, type ResizedCropLaw } from '../../../../src/core/augment/resizedCropLaw';
import type { Image } from '../../../../src/core/image';
import { exactMatrixProduct, type MatrixProduct } from '../../../../src/core/linalg/matrixProduct';
import { resizedCropMoments } from '../../../../src/core/moments/resizedCropMoments';
import type { Interpolation } from '../../../../src/core/policy/types';
import { randomImage } from './bruteForce';

interface Case {
  readonly name: string;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly size: readonly [number, number];
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  readonly interpolation: Interpolation;
  readonly antialias: boolean;
  readonly seed: number;
}

const base = { scale: [0.08, 1], ratio: [3 / 4, 4 / 3], interpolation: 'bilinear', antialias: true } as const;
const CASES: Case[] = [
  { ...base, name: 'upscaling, RGB 7x9 -> 12x10', channels: 3, height: 7, width: 9, size: [12, 10], seed: 1 },
  { ...base, name: 'antialiased downscaling, RGB 20x17 -> 6x7, scale (0.3, 1)', channels: 3, height: 20, width: 17, size: [6, 7], scale: [0.3, 1], seed: 2 },
  { ...base, name: 'antialiased, up and down in one law, gray 16x19 -> 9x8', channels: 1, height: 16, width: 19, size: [9, 8], seed: 3 },
  { ...base, name: 'plain bilinear downscaling (antialias false), gray 15x13 -> 5x6', channels: 1, height: 15, width: 13, size: [5, 6], scale: [0.4, 1], antialias: false, seed: 4 },
  { ...base, name: 'nearest, RGB 11x10 -> 7x13', channels: 3, height: 11, width: 10, size: [7, 13], interpolation: 'nearest', seed: 5 },
  { ...base, name: 'nearest-exact, gray 10x12 -> 9x5', channels: 1, height: 10, width: 12, size: [9, 5], interpolation: 'nearest-exact', seed: 6 },
  // Ratio far from the image's: most attempts fail and the fallback (a fixed centre crop) has a large probability.
  { ...base, name: 'fallback, RGB 6x20 -> 4x6, scale (0.35, 1)', channels: 3, height: 6, width: 20, size: [4, 6], scale: [0.35, 1], seed: 7 },
  { ...base, name: 'fallback, gray 12x7 -> 5x3, scale (0.3, 1.6), ratio (0.5, 2)', channels: 1, height: 12, width: 7, size: [5, 3], scale: [0.3, 1.6], ratio: [0.5, 2], seed: 8 },
];

/** Every (atom, corner) outcome with its probability; crop and resize by `render`. */
function outcomes(img: Image, law: ResizedCropLaw, render: (top: number, left: number, h: number, w: number) => ArrayLike<number>) {
  const list: { p: number; y: ArrayLike<number> }[] = [];
  for (const a of law.sizes) {
    const ni = img.height - a.h + 1;
    const nj = img.width - a.w + 1;
    for (let i = 0; i < ni; i++) for (let j = 0; j < nj; j++) list.push({ p: a.p / (ni * nj), y: render(i, j, a.h, a.w) });
  }
  const f = law.fallback;
  if (f.p > 0) list.push({ p: f.p, y: render(f.top, f.left, f.h, f.w) });
  return list;
}

/** Two-pass weighted mean and variance in float64. */
function twoPass(list: readonly { p: number; y: ArrayLike<number> }[]) {
  const d = list[0].y.length;
  const mean = new Float64Array(d);
  let total = 0;
  for (const o of list) {
    total += o.p;
    for (let i = 0; i < d; i++) mean[i] += o.p * o.y[i];
  }
  const variance = new Float64Array(d);
  for (const o of list) for (let i = 0; i < d; i++) variance[i] += o.p * (o.y[i] - mean[i]) ** 2;
  return { mean, variance, total };
}

/** resize(crop(x)) in float64 with the taps resizeImage uses (resizeImage itself rounds its output to float32). */
function resizeCrop64(img: Image, top: number, left: number, h: number, w: number, oh: number, ow: number, opts: ResizeOptions): Float64Array {
  const rows = axisWeights(h, oh, opts);
  const cols = axisWeights(w, ow, opts);
  const out = new Float64Array(img.channels * oh * ow);
  for (let c = 0; c < img.channels; c++) {
    for (let py = 0; py < oh; py++) {
      for (let px = 0; px < ow; px++) {
        let acc = 0;
        rows.weights[py].forEach((ry, t) => {
          cols.weights[px].forEach((rx, s) => {
            acc += ry * rx * img.data[(c * img.height + top + rows.start[py] + t) * img.width + left + cols.start[px] + s];
          });
        });
        out[(c * oh + py) * ow + px] = acc;
      }
    }
  }
  return out;
}

/** max_i |a_i - b_i| / (|b_i| + floor * max|b|): relative per value, with a small floor for values near zero. */
function relError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-6): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + floor * scale));
  return worst;
}

function setup(c: Case) {
  const img = randomImage(c.channels, c.height, c.width, c.seed);
  const law = resizedCropLaw(c.height, c.width, c.scale, c.ratio);
  const opts: ResizeOptions = { interpolation: c.interpolation, antialias: c.antialias };
  const spec = { size: c.size, interpolation: c.interpolation, antialias: c.antialias, law };
  return { img, law, opts, spec };
}

for (const c of CASES) {
  test(`resizedCropMoments equals brute-force enumeration: ${c.name}`, async () => {
    const { img, law, opts, spec } = setup(c);
    const [oh, ow] = c.size;
    const got = await resizedCropMoments(img, spec, exactMatrixProduct);
    assert.equal(got.mean.length, c.channels * oh * ow);

    // Float64 oracle: every outcome, 1e-10 relative.
    const exact = twoPass(outcomes(img, law, (i, j, h, w) => resizeCrop64(img, i, j, h, w, oh, ow, opts)));
    assert.ok(Math.abs(exact.total - 1) < 1e-12, `outcome weights sum to ${exact.total}`);
    const em = relError(got.mean, exact.mean);
    const ev = relError(got.variance, exact.variance);
    assert.ok(em < 1e-10, `mean: relative error ${em.toExponential(2)}`);
    assert.ok(ev < 1e-10, `variance: relative error ${ev.toExponential(2)}`);
    const secondErr = relError(got.second, Float64Array.from(exact.mean, (m, i) => m * m + exact.variance[i]));
    assert.ok(secondErr < 1e-10, `second moment: relative error ${secondErr.toExponential(2)}`);
    // The variance is not trivially small (the test would not see a wrong second moment otherwise).
    assert.ok(Math.min(...exact.variance) > 1e-4, `smallest variance ${Math.min(...exact.variance)}`);

    // The real pipeline, resizeImage(cropImage(...)): its float32 output bounds the agreement.
    const real = twoPass(outcomes(img, law, (i, j, h, w) => resizeImage(cropImage(img, i, j, h, w), oh, ow, opts).data));
    const rm = relError(got.mean, real.mean);
    const rv = relError(got.variance, real.variance);
    assert.ok(rm < 1e-6, `mean vs resizeImage: relative error ${rm.toExponential(2)}`);
    assert.ok(rv < 1e-5, `variance vs resizeImage: relative error ${rv.toExponential(2)}`);
  });
}

test('resizedCropMoments: the laws under test exercise a fallback of real weight', () => {
  const fallbacks = CASES.map((c) => resizedCropLaw(c.height, c.width, c.scale, c.ratio).fallback.p);
  assert.ok(fallbacks[6] > 0.5 && fallbacks[7] > 1e-6, `fallback probabilities ${fallbacks[6]}, ${fallbacks[7]}`);
});

test('resizedCropMoments: a law where every attempt fails is the fallback crop alone (variance 0)', async () => {
  const img = randomImage(3, 5, 24, 9);
  const law = resizedCropLaw(5, 24, [0.6, 1], [3 / 4, 4 / 3]);
  assert.equal(law.sizes.length, 0);
  assert.equal(law.fallback.p, 1);
  const opts: ResizeOptions = { interpolation: 'bilinear', antialias: true };
  const got = await resizedCropMoments(img, { size: [4, 6], ...opts, law }, exactMatrixProduct);
  const want = resizeCrop64(img, law.fallback.top, law.fallback.left, law.fallback.h, law.fallback.w, 4, 6, opts);
  assert.ok(relError(got.mean, want) < 1e-12);
  assert.ok(Math.max(...got.variance) < 1e-15);
});

test('resizedCropMoments: chunking the k dimension (blocks split across chunks) and batching the Q prefix sums change nothing', async () => {
  for (const c of [CASES[1], CASES[2], CASES[6]]) {
    const { img, spec } = setup(c);
    const calls: number[] = [];
    const counting: MatrixProduct = (a, b, m, k, n) => {
      calls.push(k);
      return exactMatrixProduct(a, b, m, k, n);
    };
    const whole = await resizedCropMoments(img, spec, exactMatrixProduct);
    const m = c.channels * c.size[0];
    // At most 5 columns of k per chunk: every block (W columns) is cut in pieces; and one Q prefix plane at a time
    // (the row offsets dy of a block are added in several passes).
    const chunked = await resizedCropMoments(img, spec, counting, { maxOperandBytes: 8 * Math.max(m, c.size[1]) * 5, maxPrefixBytes: 1 });
    assert.ok(calls.length > 10 && Math.max(...calls) <= 5, `chunks ${calls}`);
    assert.ok(relError(chunked.mean, whole.mean) < 1e-12);
    assert.ok(relError(chunked.variance, whole.variance) < 1e-12);
  }
});

test('resizedCropMoments: float32 operands (a product with a float32 entry) round only the operands', async () => {
  for (const c of [CASES[0], CASES[1], CASES[2], CASES[4]]) {
    const { img, spec } = setup(c);
    const exact = await resizedCropMoments(img, spec, exactMatrixProduct);
    let used = 0;
    // Multiplies the float32 operands exactly in float64: the only rounding left is the operands' own.
    const float32 = (a: Float32Array, b: Float32Array, m: number, k: number, n: number) => {
      used++;
      return exactMatrixProduct(Float64Array.from(a), Float64Array.from(b), m, k, n);
    };
    const withFloat32: MatrixProduct = Object.assign(() => Promise.reject(new Error('the float64 entry should not be used')), { float32 });
    for (const options of [{}, { maxOperandBytes: 4 * c.channels * c.size[0] * 7, maxPrefixBytes: 1 }]) {
      used = 0;
      const got = await resizedCropMoments(img, spec, withFloat32, options);
      assert.ok(used > 0);
      const rel = (x: Float64Array, y: Float64Array) => Math.sqrt(x.reduce((t, v, i) => t + (v - y[i]) ** 2, 0) / y.reduce((t, v) => t + v * v, 0));
      const em = rel(got.mean, exact.mean);
      const ev = rel(got.variance, exact.variance);
      assert.ok(em < 1e-6 && ev < 1e-5, `${c.name}: mean ${em.toExponential(2)}, variance ${ev.toExponential(2)}`);
      assert.ok(em > 0, 'float32 operands really were rounded');
    }
  }
});

test('resizedCropMoments: BICUBIC is refused with a clear error', async () => {
  const { img, spec } = setup(CASES[0]);
  await assert.rejects(resizedCropMoments(img, { ...spec, interpolation: 'bicubic' }, exactMatrixProduct), /BICUBIC is not supported/);
});

test('exactMatrixProduct: a small product by hand, and shape checks', async () => {
  const c = await exactMatrixProduct(Float64Array.of(1, 2, 3, 4, 5, 6), Float64Array.of(7, 8, 9, 10, 11, 12), 2, 3, 2);
  assert.deepEqual([...c], [58, 64, 139, 154]);
  await assert.rejects(exactMatrixProduct(new Float64Array(5), new Float64Array(6), 2, 3, 2), /A has 5 values/);
});
