import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageToPng } from '../../../src/core/io/encode';
import { defaults } from '../../../src/cli/args';
import { analyze } from '../../../src/engine/analysis/analyze';
import { openModel } from '../../../src/engine/analysis/openModel';
import type { PreprocessParams } from '../../../src/engine/contract/requests';
import type { Dim } from '../../../src/model/onnx/graph';
import type { ModelProto } from '../../../src/model/onnx/types';
import { randomImage } from '../core/moments/bruteForce';
import { attr, TestGraph } from './gradient/models';
import { tempDir, writeModel } from './fixtures';

const dir = tempDir();
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** A 3-channel classifier whose first nodes may normalise the input: `prelude` maps 'x' to the value the Conv reads. */
function classifier(dims: readonly Dim[], prelude: (t: TestGraph) => string = () => 'x'): ModelProto {
  const t = new TestGraph(dims);
  const input = prelude(t);
  const conv = t.op('Conv', [input, t.weight([4, 3, 3, 3], undefined, 2), t.weight([4])], { pads: attr.ints([1, 1, 1, 1]) });
  const pooled = t.op('Flatten', [t.op('GlobalAveragePool', [t.op('Relu', [conv])])]);
  return t.build(t.op('Gemm', [pooled, t.weight([5, 4], undefined, 4), t.weight([5])], { transB: attr.int(1) }), 13);
}

async function preprocessingOf(model: ModelProto, request?: PreprocessParams) {
  const opened = await openModel(writeModel(dir, `m${Math.random().toString(36).slice(2)}.onnx`, model), request);
  try {
    return opened.preprocessingSummary();
  } finally {
    await opened.release();
  }
}

const withMetadata = (model: ModelProto, props: Record<string, string>): ModelProto => ({
  ...model,
  metadata_props: Object.entries(props).map(([key, value]) => ({ key, value })),
});

test("Windows ML image metadata decides the whole preprocessing: certainty high", async () => {
  const p = await preprocessingOf(withMetadata(classifier(['N', 3, 224, 224]), { 'Image.BitmapPixelFormat': 'Bgr8', 'Image.NominalPixelRange': 'NominalRange_0_255' }));
  assert.deepEqual([p.name, p.channels, p.scale, p.mean, p.std], ['raw255-bgr', 'bgr', 255, [0, 0, 0], [1, 1, 1]]);
  assert.equal(p.certainty, 'high');
  assert.match(p.reason, /stated in the file's metadata \(Image.BitmapPixelFormat = Bgr8, Image.NominalPixelRange = NominalRange_0_255\)/);
});

test('mean and std in the metadata (0..255 units) are used; the channel order left open is a guess: certainty medium', async () => {
  const p = await preprocessingOf(withMetadata(classifier(['N', 3, 224, 224]), { mean: '123.675,116.28,103.53', std: '[58.395, 57.12, 57.375]' }));
  assert.deepEqual([p.channels, p.scale, p.mean, p.std], ['rgb', 255, [123.675, 116.28, 103.53], [58.395, 57.12, 57.375]]);
  assert.equal(p.name, 'file');
  assert.equal(p.certainty, 'medium');
  assert.match(p.reason, /metadata.*; .*ImageNet.*a guess/);
});

test('a Paddle2ONNX model with free height and width: BGR, (x/255 - 0.5)/0.5', async () => {
  const other = await preprocessingOf({ ...classifier(['N', 3, 'H', 'W']), producer_name: 'pytorch', producer_version: '2.1' });
  assert.deepEqual([other.name, other.certainty], ['imagenet', 'low']);
  const paddle = await preprocessingOf({ ...classifier(['N', 3, 'H', 'W']), producer_name: 'Paddle2ONNX', producer_version: '1.0.5' });
  assert.deepEqual([paddle.channels, paddle.scale, paddle.mean, paddle.std, paddle.inputSize], ['bgr', 1, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5], null]);
  assert.equal(paddle.certainty, 'medium');
  assert.match(paddle.reason, /written by Paddle2ONNX 1.0.5/);
});

test('a Normalize folded into the first nodes: the model takes raw pixels, at the scale its constants imply', async () => {
  const sub255 = (t: TestGraph) => t.op('Div', [t.op('Sub', ['x', t.weight([3, 1, 1], MEAN.map((m) => 255 * m))]), t.weight([1, 3, 1, 1], STD.map((s) => 255 * s))]);
  const raw = await preprocessingOf(classifier(['N', 3, 224, 224], sub255));
  assert.deepEqual([raw.name, raw.scale, raw.mean, raw.std], ['raw255', 255, [0, 0, 0], [1, 1, 1]]);
  assert.match(raw.reason, /the graph normalises its input itself \(Sub by \[123.7, 116.3, 103.5\], Div by \[58.4, 57.12, 57.38\]\), so it takes pixels in 0..255/);
  assert.equal(raw.certainty, 'medium');
  const mulAdd = (t: TestGraph) => t.op('Add', [t.op('Mul', ['x', t.weight([], [2])]), t.weight([], [-1])]);
  const unit = await preprocessingOf(classifier(['N', 3, 32, 32], mulAdd));
  assert.deepEqual([unit.name, unit.scale], ['unit', 1]);
  // c - x is not a normalisation: the chain stops there and the shape heuristic decides.
  const reversed = await preprocessingOf(classifier(['N', 3, 32, 32], (t) => t.op('Sub', [t.weight([], [1]), 'x'])));
  assert.equal(reversed.name, 'cifar');
  assert.equal(reversed.certainty, 'low');
});

test('NHWC models: the Normalize before or after the NHWC -> NCHW Transpose is found', async () => {
  const toNchw = (t: TestGraph, v: string) => t.op('Transpose', [v], { perm: attr.ints([0, 3, 1, 2]) });
  const after = await preprocessingOf(
    classifier(['N', 32, 32, 3], (t) => t.op('Div', [t.op('Sub', [toNchw(t, 'x'), t.weight([1, 3, 1, 1], MEAN)]), t.weight([3, 1, 1], STD)])),
  );
  assert.deepEqual([after.name, after.certainty], ['unit', 'medium']);
  assert.match(after.reason, /Sub by \[0.485, 0.456, 0.406\], Div by \[0.229, 0.224, 0.225\]/);
  const before = await preprocessingOf(classifier(['N', 32, 32, 3], (t) => toNchw(t, t.op('Mul', [t.op('Sub', ['x', t.weight([3], [127.5, 127.5, 127.5])]), t.weight([], [1 / 127.5])]))));
  assert.deepEqual([before.name, before.scale], ['raw255', 255]);
});

test('the folded model under its guess gives the numbers of the plain model under ImageNet preprocessing', async () => {
  const image = join(dir, 'image.png');
  writeFileSync(image, imageToPng(randomImage(3, 16, 16, 9)));
  const folded = writeModel(dir, 'folded.onnx', classifier(['N', 3, 16, 16], (t) => t.op('Div', [t.op('Sub', ['x', t.weight([1, 3, 1, 1], MEAN)]), t.weight([1, 3, 1, 1], STD)])));
  const plain = writeModel(dir, 'plain.onnx', classifier(['N', 3, 16, 16]));
  const run = async (modelPath: string, preprocess?: PreprocessParams) =>
    (await analyze({ ...defaults([image], 'RandomCrop(16, padding=2)'), modelPath, preprocess, gradient: 'none', monteCarloSamples: 0 }, { progress: () => {}, log: () => {} }))
      .report;
  const a = await run(folded);
  const b = await run(plain, { preset: 'imagenet' });
  assert.equal(a.preprocessing!.name, 'unit');
  assert.ok(Math.abs(a.images[0].model!.expectedLoss - b.images[0].model!.expectedLoss) < 1e-5, `${a.images[0].model!.expectedLoss} vs ${b.images[0].model!.expectedLoss}`);
});

test('every value given: the preprocessing is named custom, not after the preset or guess under it', async () => {
  const request = { preset: undefined, channels: 'bgr' as const, scale: 255, mean: [1, 2, 3], std: [4, 5, 6] };
  const p = await preprocessingOf(classifier(['N', 3, 224, 224]), request);
  assert.equal(p.name, 'custom');
  assert.equal(p.certainty, 'given');
  const overPreset = await preprocessingOf(classifier(['N', 3, 224, 224]), { ...request, preset: 'imagenet' });
  assert.equal(overPreset.name, 'custom');
  const partly = await preprocessingOf(classifier(['N', 3, 224, 224]), { mean: [0.5] });
  assert.equal(partly.name, 'imagenet + mean');
});
