import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeImage } from '../../../../src/core/io/decode';
import { parsePolicy, PolicyError } from '../../../../src/core/policy';
import { imageShape } from '../../../../src/extension/diagnostics/policyFile/imageShape';
import { readPolicyFile } from '../../../../src/extension/diagnostics/policyFile/readPolicyFile';
import { fittedShape, shapeProblem } from '../../../../src/extension/diagnostics/shapeProblem';
import { buildPng, GRAY, GRAY_ALPHA, PALETTE, RGB, RGBA } from '../../core/io/pngBuilder';

const at = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

describe('readPolicyFile', () => {
  const text = `{
  // a comment, as VS Code's JSON editor allows
  "model": "models/mnist-8.onnx",
  "images": ["images/a.png", "b.jpg"],
  "preprocessing": { "preset": "unit", "mean": [0.1], "scale": 255 },
  "size": [28, 32],
  "label": 3,
  "policy": "RandomCrop(28, padding=4); RandomHorizontalFlip()",
}`;

  test('reads every field with the span of its string literal', () => {
    const file = readPolicyFile(text);
    assert.equal(file.model?.value, 'models/mnist-8.onnx');
    assert.equal(at(text, file.model!.span), '"models/mnist-8.onnx"');
    assert.deepEqual(file.images.map((i) => [i.value, at(text, i.span)]), [['images/a.png', '"images/a.png"'], ['b.jpg', '"b.jpg"']]);
    assert.deepEqual(file.preprocess, { preset: 'unit', mean: [0.1], scale: 255 });
    assert.deepEqual(file.size, [28, 32]);
    assert.equal(file.label, 3);
    assert.equal(file.policy?.text, '"RandomCrop(28, padding=4); RandomHorizontalFlip()"');
    assert.equal(at(text, { start: file.policy!.offset, end: file.policy!.offset + file.policy!.text.length }), file.policy!.text);
  });

  test('a single image string, a square size and a preset name', () => {
    const file = readPolicyFile('{"images": "x.png", "size": 64, "preprocessing": "cifar", "policy": [{"type": "RandomHorizontalFlip"}]}');
    assert.deepEqual(file.images.map((i) => i.value), ['x.png']);
    assert.deepEqual(file.size, [64, 64]);
    assert.deepEqual(file.preprocess, { preset: 'cifar' });
    assert.equal(file.policy?.text, '[{"type": "RandomHorizontalFlip"}]');
  });

  test('wrong types and broken JSON are left out, not guessed', () => {
    const file = readPolicyFile('{"model": 3, "images": [1, "ok.png"], "size": [0, 4], "label": 1.5, "policy": {"a": 1}');
    assert.deepEqual(file, { model: undefined, images: [file.images[0]], policy: undefined, preprocess: undefined, size: undefined, label: undefined });
    assert.equal(file.images[0].value, 'ok.png');
    assert.deepEqual(readPolicyFile('[1, 2]'), { images: [] });
  });
});

describe('policy errors inside the JSON string map to document offsets, escapes included', () => {
  test('the error span, shifted by the literal offset, covers the misspelled name in the document', () => {
    const text = '{"model": "m.onnx", "images": "a.png", "policy": "RandomCrop(28, padding_mode=\\"edge\\"); RandomHorizontalFlp()"}';
    const { policy } = readPolicyFile(text);
    assert.ok(policy);
    assert.throws(() => parsePolicy(policy.text), (error: unknown) => {
      assert.ok(error instanceof PolicyError);
      assert.equal(error.kind, 'unknown-transform');
      assert.equal(at(text, { start: policy.offset + error.span.start, end: policy.offset + error.span.end }), 'RandomHorizontalFlp');
      return true;
    });
  });

  test('a \\u escape counts six characters in the document', () => {
    const text = '{"policy": "\\u0052andomCrop(28, paddin=4)"}';
    const { policy } = readPolicyFile(text);
    assert.throws(() => parsePolicy(policy!.text), (error: unknown) => {
      assert.ok(error instanceof PolicyError);
      assert.equal(at(text, { start: policy!.offset + error.span.start, end: policy!.offset + error.span.end }), 'paddin');
      return true;
    });
  });
});

describe('imageShape reads the header as decodeImage would decode the pixels', () => {
  const pngs: [string, number][] = [['gray', GRAY], ['gray+alpha', GRAY_ALPHA], ['rgb', RGB], ['rgba', RGBA], ['palette', PALETTE]];
  for (const [name, colorType] of pngs) {
    test(`PNG ${name}`, () => {
      const samplesPerPixel = { [GRAY]: 1, [GRAY_ALPHA]: 2, [RGB]: 3, [RGBA]: 4, [PALETTE]: 1 }[colorType]!;
      const bytes = buildPng({ width: 5, height: 3, colorType, bitDepth: 8, samples: new Array(15 * samplesPerPixel).fill(0), ...(colorType === PALETTE && { palette: [[1, 2, 3]] }) });
      const image = decodeImage(bytes, name);
      assert.deepEqual(imageShape(bytes), { channels: image.channels, height: 3, width: 5 });
    });
  }

  const jpegDir = join(__dirname, '..', '..', 'core', 'io', 'data');
  for (const file of readdirSync(jpegDir).filter((f) => f.endsWith('.jpg'))) {
    test(`JPEG ${file}`, () => {
      const bytes = readFileSync(join(jpegDir, file));
      const image = decodeImage(bytes, file);
      assert.deepEqual(imageShape(bytes), { channels: image.channels, height: image.height, width: image.width });
    });
  }

  const fixtures = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'fixtures', 'images');
  test('the fixture photos', { skip: existsSync(fixtures) ? false : `${fixtures} is absent` }, () => {
    for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.png'))) {
      const bytes = readFileSync(join(fixtures, file));
      const image = decodeImage(bytes, file);
      assert.deepEqual(imageShape(bytes), { channels: image.channels, height: image.height, width: image.width }, file);
    }
  });

  test('anything else is refused with a reason', () => {
    assert.throws(() => imageShape(new TextEncoder().encode('GIF89a....')), /not a PNG or JPEG image/);
    assert.throws(() => imageShape(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])), /corrupt PNG/);
  });
});

describe('shapeProblem', () => {
  const gray28 = { channels: 1, height: 28, width: 28 };

  test('names the crop that does not fit, with its span', () => {
    const text = 'RandomHorizontalFlip(); RandomCrop(32)';
    const problem = shapeProblem(parsePolicy(text).transforms, gray28);
    assert.match(problem?.message ?? '', /required crop size 32x32 is larger than the input image 28x28/);
    assert.equal(at(text, problem!.span!), 'RandomCrop(32)');
  });

  test('follows the shape through the steps and into RandomApply', () => {
    assert.equal(shapeProblem(parsePolicy('RandomCrop(32, padding=2); RandomCrop(30)').transforms, gray28), undefined, 'padded to 32, then 30 fits');
    const text = 'RandomCrop(32, padding=2); RandomApply([RandomHorizontalFlip(), RandomCrop(33, padding=0)], p=0.5)';
    const problem = shapeProblem(parsePolicy(text).transforms, gray28);
    assert.match(problem?.message ?? '', /required crop size 33x33 is larger than the input image 32x32/);
    assert.equal(at(text, problem!.span!), 'RandomCrop(33, padding=0)');
  });

  test('fittedShape applies the policy file size', () => {
    assert.deepEqual(fittedShape(gray28, [40, 36]), { channels: 1, height: 40, width: 36 });
    assert.deepEqual(fittedShape(gray28, undefined), gray28);
  });
});
