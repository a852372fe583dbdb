import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { createImage, shapeLabel } from '../../../../src/core/image';
import { decodeImage } from '../../../../src/core/io/decode';
import { encodePng, imageToPng } from '../../../../src/core/io/encode';

describe('encodePng', () => {
  it('writes an RGBA PNG whose pixels read back exactly', () => {
    const width = 5;
    const height = 3;
    const rgba = Uint8Array.from({ length: 4 * width * height }, (_, i) => (i * 37 + 11) % 256);
    const png = PNG.sync.read(encodePng(rgba, width, height));
    assert.equal(png.width, width);
    assert.equal(png.height, height);
    assert.equal(png.colorType, 6);
    assert.deepEqual(new Uint8Array(png.data), rgba);
  });

  it('rejects a buffer of the wrong size', () => {
    assert.throws(() => encodePng(new Uint8Array(10), 2, 2), { message: 'RGBA buffer has 10 bytes, expected 4 x 2 x 2' });
  });
});

describe('imageToPng', () => {
  it('an RGB image round-trips through decodeImage exactly when its values are multiples of 1/255', () => {
    const img = createImage(3, 4, 6, Float32Array.from({ length: 72 }, (_, i) => ((i * 53) % 256) / 255));
    const back = decodeImage(imageToPng(img), 'rgb.png');
    assert.equal(shapeLabel(back), '3x4x6');
    assert.deepEqual(back.data, img.data);
  });

  it('a 1-channel image becomes a grayscale PNG and decodes to 1 channel', () => {
    const img = createImage(1, 3, 2, Float32Array.of(0, 0.2, 0.4, 0.6, 0.8, 1));
    assert.equal(PNG.sync.read(imageToPng(img)).colorType, 0);
    const back = decodeImage(imageToPng(img), 'gray.png');
    assert.equal(shapeLabel(back), '1x3x2');
    back.data.forEach((v, i) => assert.ok(Math.abs(v - img.data[i]) <= 0.5 / 255, `sample ${i}: ${v}`));
  });

  it('clamps values outside [0, 1] and maps NaN to 0', () => {
    const img = createImage(1, 1, 4, Float32Array.of(-0.5, 1.7, Number.NaN, 0.5));
    assert.deepEqual(Array.from(decodeImage(imageToPng(img), 'clamped.png').data, (v) => Math.round(v * 255)), [0, 255, 0, 128]);
  });

  it('rejects images that are neither gray nor RGB', () => {
    assert.throws(() => imageToPng(createImage(2, 1, 1)), { message: /2 channels/ });
  });
});
