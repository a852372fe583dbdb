import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resizeImage } from '../../../../src/core/augment/resize';
import { createImage, type Image } from '../../../../src/core/image';
import { createRng } from '../../../../src/core/rng';
import { FIT_RESIZE } from '../../../../src/model/fit';
import { imageGradient, resizeTranspose } from '../../../../src/model/gradient/chainRule';
import { planPreprocessing, preprocess, type PreprocessRequest } from '../../../../src/model/preprocess';

const rng = createRng(17);
const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.next());

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

test('resizeTranspose is the adjoint of the resize fitToInput applies: <R x, y> = <x, R^T y>', () => {
  for (const [inH, inW, outH, outW] of [
    [20, 30, 7, 11],
    [6, 5, 13, 9],
    [9, 9, 9, 4],
  ]) {
    const x = createImage(2, inH, inW, random(2 * inH * inW));
    const y = random(2 * outH * outW);
    const lhs = dot(resizeImage(x, outH, outW, FIT_RESIZE).data, y);
    const rhs = dot(x.data, resizeTranspose(y, 2, outH, outW, inH, inW));
    assert.ok(Math.abs(lhs - rhs) <= 1e-5 * Math.abs(lhs), `${inH}x${inW} -> ${outH}x${outW}: ${lhs} vs ${rhs}`);
  }
});

interface Setup {
  readonly name: string;
  readonly image: readonly [number, number, number];
  readonly model: { layout: 'NCHW' | 'NHWC'; channels: 1 | 3; height: number; width: number };
  readonly request: PreprocessRequest;
}

const setups: Setup[] = [
  { name: 'RGB, ImageNet normalisation, resize down and centre crop', image: [3, 20, 30], model: { layout: 'NCHW', channels: 3, height: 16, width: 16 }, request: { preset: 'imagenet' } },
  { name: 'BGR 0..255, NHWC, resize up and crop', image: [3, 10, 12], model: { layout: 'NHWC', channels: 3, height: 24, width: 24 }, request: { preset: 'raw255-bgr' } },
  { name: 'gray image replicated into 3 channels, no resize', image: [1, 9, 9], model: { layout: 'NCHW', channels: 3, height: 9, width: 9 }, request: { preset: 'cifar' } },
  { name: 'RGB image into a 1-channel model (luma), crop only', image: [3, 8, 10], model: { layout: 'NCHW', channels: 1, height: 8, width: 8 }, request: { preset: 'cifar' } },
];

for (const s of setups) {
  test(`imageGradient is the transpose of preprocess (${s.name})`, () => {
    const plan = planPreprocessing(s.request, s.model);
    const [c, h, w] = s.image;
    const x: Image = createImage(c, h, w, random(c * h * w));
    const offset = preprocess(createImage(c, h, w), plan);
    const linear = preprocess(x, plan).map((v, i) => v - offset[i]);
    const y = random(linear.length).map((v) => v - 0.5);
    const g = imageGradient(y, x, plan);
    assert.equal(g.length, x.data.length);
    const lhs = dot(linear, y);
    const rhs = dot(x.data, g);
    assert.ok(Math.abs(lhs - rhs) <= 1e-4 * Math.max(1, Math.abs(lhs)), `${lhs} vs ${rhs}`);
  });
}
