import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, test } from 'node:test';
import { imageToPng } from '../../../src/core/io/encode';
import { randomImage } from '../core/moments/bruteForce';
import { qdqModel } from '../model/gradient/quantizedModels';
import { FIXTURES, fixturesMissing, tempDir, writeModel } from '../model/fixtures';
import { buildCli, runCli } from './cliProcess';

const root = resolve(__dirname, '../../..');
let cli = '';
before(async () => {
  cli = await buildCli(root, join(root, 'out', 'test-cli-parameters'));
});
const dir = tempDir();

test('analyze --parameters on the CIFAR model with two images: per-layer tables, the pooled block, the report blocks', { skip: fixturesMissing }, () => {
  const out = join(dir, 'cifar');
  const images = ['kitten_224.png', 'chelsea.png'].map((name) => join(FIXTURES, 'images', name));
  const r = runCli(cli, [
    'analyze', '--model', join(FIXTURES, 'models', 'cifar10-tutorial.onnx'), ...images.flatMap((i) => ['--image', i]), '--size', '32', '--preprocess', 'cifar',
    '--policy', 'RandomCrop(32, padding=4); RandomHorizontalFlip()', '--parameters', '--top-k', '0', '--mc', '0', '--gradient', 'none', '--out', out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.match(/parameter gradients \(exact over 162 outcomes, 325 gradient runs/g)?.length, 2);
  assert.match(r.stdout, /all 50,182 parameters: SNR/);
  assert.match(r.stdout, /^ {4}Gemm_11 +Gemm +24,010 /m);
  assert.match(r.stdout, /parameter gradients pooled over 2 images: .* across images \+ .* within augmentations/);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.equal(report.schemaVersion, 7);
  assert.equal(report.images[1].model.parameters.layers.length, 5);
  assert.equal(report.aggregate.parameters.images, 2);
});

test('analyze --parameters on a quantized model: the block says why it was skipped; moments --parameters is a usage error', () => {
  const model = writeModel(dir, 'qdq.onnx', qdqModel());
  const image = join(dir, 'photo.png');
  writeFileSync(image, imageToPng(randomImage(3, 8, 8, 3)));
  const out = join(dir, 'qdq');
  const r = runCli(cli, ['analyze', '--model', model, '--image', image, '--policy', 'RandomHorizontalFlip()', '--preprocess', 'unit', '--parameters', '--top-k', '0', '--mc', '0', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /parameter gradients: skipped: parameter gradients of quantized models are not supported/);
  assert.match(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).images[0].model.parameters.skipped, /quantized/);
  const usage = runCli(cli, ['moments', '--image', image, '--policy', 'RandomHorizontalFlip()', '--parameters']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /moments takes no --parameters/);
});
