import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resizeImage } from '../../../src/core/augment/resize';
import { createImage, type Image } from '../../../src/core/image';
import { createRng } from '../../../src/core/rng';
import { fitGeometry, fitToInput } from '../../../src/model/fit';
import { guessPreprocessing } from '../../../src/model/guess';
import { channelMap, describePreprocessing, planPreprocessing, preprocess, PRESET_NAMES, PRESETS, type InputTarget } from '../../../src/model/preprocess';

const rng = createRng(11);
const randomImage = (c: number, h: number, w: number): Image =>
  createImage(c, h, w, Float32Array.from({ length: c * h * w }, () => rng.next()));

const target = (channels: 1 | 3, height: number, width: number, layout: 'NCHW' | 'NHWC' = 'NCHW'): InputTarget => ({ layout, channels, height, width });
const px = (img: Image, c: number, p: number): number => img.data[c * img.height * img.width + p];

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

const img = randomImage(3, 2, 3);
const plane = 6;

test('presets hold the documented values', () => {
  assert.deepEqual(PRESET_NAMES, ['imagenet', 'unit', 'raw255', 'raw255-bgr', 'cifar']);
  assert.deepEqual(PRESETS.imagenet, { channels: 'rgb', scale: 1, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
  assert.deepEqual(PRESETS.cifar, { channels: 'rgb', scale: 1, mean: [0.5], std: [0.5] });
  assert.deepEqual(PRESETS['raw255-bgr'], { channels: 'bgr', scale: 255, mean: [0], std: [1] });
  assert.deepEqual([PRESETS.unit.scale, PRESETS.raw255.scale, PRESETS.raw255.channels], [1, 255, 'rgb']);
});

test('imagenet, NCHW: (x - mean) / std per channel', () => {
  const out = preprocess(img, planPreprocessing({ preset: 'imagenet' }, target(3, 2, 3)));
  const m = [0.485, 0.456, 0.406];
  const s = [0.229, 0.224, 0.225];
  assertClose(out, Array.from({ length: 18 }, (_, i) => (px(img, Math.floor(i / plane), i % plane) - m[Math.floor(i / plane)]) / s[Math.floor(i / plane)]));
});

test('raw255-bgr reverses the channels and scales by 255; NHWC interleaves', () => {
  const bgr = preprocess(img, planPreprocessing({ preset: 'raw255-bgr' }, target(3, 2, 3)));
  assertClose(bgr, Array.from({ length: 18 }, (_, i) => 255 * px(img, 2 - Math.floor(i / plane), i % plane)));
  const hwc = preprocess(img, planPreprocessing({ preset: 'unit' }, target(3, 2, 3, 'NHWC')));
  assertClose(hwc, Array.from({ length: 18 }, (_, i) => px(img, i % 3, Math.floor(i / 3))));
});

test('gray: luma with torchvision weights for 1-channel models, replicated for 3-channel ones; gray images repeat', () => {
  const luma = (p: number): number => 0.2989 * px(img, 0, p) + 0.587 * px(img, 1, p) + 0.114 * px(img, 2, p);
  const one = planPreprocessing({ preset: 'cifar' }, target(1, 2, 3));
  assert.equal(one.channels, 'gray');
  assertClose(preprocess(img, one), Array.from({ length: 6 }, (_, p) => (luma(p) - 0.5) / 0.5));
  const three = preprocess(img, planPreprocessing({ preset: 'unit', channels: 'gray' }, target(3, 2, 3)));
  assertClose(three, Array.from({ length: 18 }, (_, i) => luma(i % plane)));
  const gray = randomImage(1, 2, 3);
  const rep = preprocess(gray, planPreprocessing({ preset: 'imagenet' }, target(3, 2, 3)));
  const m = PRESETS.imagenet.mean;
  const s = PRESETS.imagenet.std;
  assertClose(rep, Array.from({ length: 18 }, (_, i) => (gray.data[i % plane] - m[Math.floor(i / plane)]) / s[Math.floor(i / plane)]));
});

test('explicit values override the preset: imagenet in 0..255 units gives the same tensor', () => {
  const plan = planPreprocessing({ preset: 'imagenet', scale: 255, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] }, target(3, 2, 3));
  assert.equal(plan.name, 'imagenet + scale, mean, std');
  assertClose(preprocess(img, plan), preprocess(img, planPreprocessing({ preset: 'imagenet' }, target(3, 2, 3))), 1e-5);
  assert.equal(planPreprocessing({ mean: [0.1] }, target(3, 2, 3)).name, 'custom');
  assert.equal(
    describePreprocessing(plan),
    'imagenet + scale, mean, std: RGB, scale 255, mean 123.675, 116.28, 103.53, std 58.395, 57.12, 57.375, resize + centre crop to 2x3, NCHW',
  );
});

test('invalid settings are rejected with the reason', () => {
  assert.throws(() => planPreprocessing({ mean: [0.1, 0.2] }, target(3, 2, 3)), /2 mean values for a model with 3 channel\(s\); give 1 or 3/);
  assert.throws(() => planPreprocessing({ preset: 'imagenet' }, target(1, 28, 28)), /imagenet: 3 mean values for a model with 1 channel/);
  assert.throws(() => planPreprocessing({ channels: 'bgr' }, target(1, 28, 28)), /takes 1 channel, so channel order 'bgr' cannot apply/);
  assert.throws(() => planPreprocessing({ std: [0] }, target(3, 2, 3)), /std must be non-zero/);
  assert.throws(() => planPreprocessing({ scale: -1 }, target(3, 2, 3)), /scale must be a positive number/);
});

test('free spatial sizes take the requested size, 224 x 224 by default', () => {
  const free = { layout: 'NCHW' as const, channels: 3 as const, height: null, width: null };
  assert.deepEqual([planPreprocessing({}, free).target.height, planPreprocessing({}, free).target.width], [224, 224]);
  assert.deepEqual(planPreprocessing({ size: [96, 128] }, free).target, { layout: 'NCHW', channels: 3, height: 96, width: 128 });
});

test('fit geometry follows Resize(smaller edge) then CenterCrop, with round-half-even offsets', () => {
  assert.deepEqual(fitGeometry(400, 600, 224, 224), { resize: [224, 336], crop: { top: 0, left: 56, height: 224, width: 224 } });
  assert.deepEqual(fitGeometry(28, 28, 28, 28), { resize: null, crop: null });
  assert.deepEqual(fitGeometry(300, 300, 224, 224), { resize: [224, 224], crop: null });
  assert.deepEqual(fitGeometry(20, 20, 32, 32), { resize: [32, 32], crop: null });
  assert.deepEqual(fitGeometry(400, 400, 224, 448), { resize: [448, 448], crop: { top: 112, left: 0, height: 224, width: 448 } });
  // 224 x 225 -> 224 x 224: offset round(0.5) = 0; 224 x 227: round(1.5) = 2
  assert.deepEqual(fitGeometry(224, 225, 224, 224).crop, { top: 0, left: 0, height: 224, width: 224 });
  assert.equal(fitGeometry(224, 227, 224, 224).crop!.left, 2);
  assert.equal(fitGeometry(224, 227, 224, 224).resize, null);
  // 600 x 400 portrait: smaller edge is the width
  assert.deepEqual(fitGeometry(600, 400, 224, 224), { resize: [336, 224], crop: { top: 56, left: 0, height: 224, width: 224 } });
});

test('fitToInput crops the antialiased resize of the core helper', () => {
  const big = randomImage(3, 40, 60);
  const fitted = fitToInput(big, 24, 24);
  const resized = resizeImage(big, 24, 36, { interpolation: 'bilinear', antialias: true });
  assert.deepEqual([fitted.channels, fitted.height, fitted.width], [3, 24, 24]);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 24; y++) {
      for (let x = 0; x < 24; x++) {
        assert.equal(fitted.data[(c * 24 + y) * 24 + x], resized.data[(c * 24 + y) * 36 + x + 6]);
      }
    }
  }
});

test('channel map is the Jacobian: <v, f(x) - f(0)> = <J^T v, x> for every channel order and layout', () => {
  const settings = [
    { preset: 'imagenet' as const },
    { preset: 'raw255-bgr' as const },
    { preset: 'cifar' as const, channels: 'gray' as const },
  ];
  for (const layout of ['NCHW', 'NHWC'] as const) {
    for (const [imageChannels, modelChannels] of [[3, 3], [1, 3], [3, 1]] as const) {
      for (const request of modelChannels === 1 ? [{ preset: 'unit' as const }] : settings) {
        const plan = planPreprocessing(request, target(modelChannels, 4, 5, layout));
        const x = randomImage(imageChannels, 4, 5);
        const fx = preprocess(x, plan);
        const f0 = preprocess(createImage(imageChannels, 4, 5), plan);
        const v = Float64Array.from(fx, () => rng.next() - 0.5);
        const map = channelMap(plan, imageChannels);
        let lhs = 0;
        for (let i = 0; i < fx.length; i++) lhs += v[i] * (fx[i] - f0[i]);
        let rhs = 0;
        for (let k = 0; k < imageChannels; k++) {
          for (let p = 0; p < 20; p++) {
            let g = 0;
            for (let c = 0; c < modelChannels; c++) {
              const index = layout === 'NCHW' ? c * 20 + p : p * modelChannels + c;
              g += map.a[c] * map.mix[c][k] * v[index];
            }
            rhs += g * x.data[k * 20 + p];
          }
        }
        assert.ok(Math.abs(lhs - rhs) <= 1e-4 * Math.max(1, Math.abs(lhs)), `${layout} ${imageChannels}->${modelChannels} ${JSON.stringify(request)}: ${lhs} vs ${rhs}`);
        assertClose(f0, Array.from(f0, (_, i) => map.b[layout === 'NCHW' ? Math.floor(i / 20) : i % modelChannels]));
      }
    }
  }
});

test('guessPreprocessing explains its guess', () => {
  const info = (channels: 1 | 3, side: number | null, dtype: 'float32' | 'float16', outputKind: 'logits' | 'probabilities') => ({
    channels,
    height: side,
    width: side,
    input: { name: 'x', dtype, shape: [1, channels, side, side] },
    outputKind,
    layout: 'NCHW' as const,
    producer: 'pytorch 2.1',
    baseDir: '.',
    proto: { metadata_props: [] },
  });
  const mnist = guessPreprocessing(info(1, 28, 'float32', 'logits'));
  assert.equal(mnist.name, 'unit');
  assert.match(mnist.reason, /1-channel 28x28 input/);
  assert.equal(mnist.certainty, 'low');
  const squeeze = guessPreprocessing(info(3, 224, 'float16', 'probabilities'));
  assert.equal(squeeze.name, 'raw255-bgr');
  assert.match(squeeze.reason, /float16 224x224 .*probability output.*only a guess/);
  const cifar = guessPreprocessing(info(3, 32, 'float32', 'logits'));
  assert.equal(cifar.name, 'cifar');
  assert.match(cifar.reason, /32x32/);
  const resnet = guessPreprocessing(info(3, 224, 'float32', 'logits'));
  assert.equal(resnet.name, 'imagenet');
  assert.match(resnet.reason, /224x224 3-channel input with logits output/);
  assert.equal(guessPreprocessing(info(3, null, 'float32', 'logits')).name, 'imagenet');
});
