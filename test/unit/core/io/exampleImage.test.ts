import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shapeLabel, type Image } from '../../../../src/core/image';
import { decodeImage } from '../../../../src/core/io/decode';
import { imageToPng } from '../../../../src/core/io/encode';
import { makeExampleImage } from '../../../../src/core/io/exampleImage';

function flipped(img: Image, horizontal: boolean): Float32Array {
  const out = new Float32Array(img.data.length);
  for (let c = 0; c < img.channels; c++) {
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const sy = horizontal ? y : img.height - 1 - y;
        const sx = horizontal ? img.width - 1 - x : x;
        out[(c * img.height + y) * img.width + x] = img.data[(c * img.height + sy) * img.width + sx];
      }
    }
  }
  return out;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe('makeExampleImage', () => {
  const img = makeExampleImage();

  it('is a deterministic 3x48x48 RGB image with values that are multiples of 1/255 in [0, 1]', () => {
    assert.equal(shapeLabel(img), '3x48x48');
    assert.deepEqual(makeExampleImage().data, img.data);
    for (const v of img.data) {
      assert.ok(v >= 0 && v <= 1);
      assert.ok(Math.abs(v * 255 - Math.round(v * 255)) < 1e-4);
    }
  });

  it('changes under horizontal and vertical flips and under a one-pixel shift', () => {
    assert.ok(maxDifference(flipped(img, true), img.data) > 0.5);
    assert.ok(maxDifference(flipped(img, false), img.data) > 0.5);
    const shifted = img.data.map((_, i) => (i % 48 === 47 ? img.data[i] : img.data[i + 1]));
    assert.ok(maxDifference(shifted, img.data) > 0.5);
  });

  it('has distinct colour regions: red disc, yellow bar, green triangle on a gradient', () => {
    const at = (x: number, y: number) => [0, 1, 2].map((c) => Math.round(img.data[(c * 48 + y) * 48 + x] * 255));
    assert.deepEqual(at(15, 14), [230, 51, 38]);
    assert.deepEqual(at(36, 20), [242, 217, 51]);
    assert.deepEqual(at(8, 40), [51, 191, 77]);
    assert.notDeepEqual(at(0, 0), at(47, 47));
  });

  it('survives a PNG round trip exactly', () => {
    assert.deepEqual(decodeImage(imageToPng(img), 'example.png').data, img.data);
  });
});
