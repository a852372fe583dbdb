import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hsvToRgb, mod1, rgbToHsv, shiftHue } from '../../../../src/core/augment/color/hsv';
import { createRng } from '../../../../src/core/rng';

/** shiftHue written as the composition it stands for, one pixel at a time through rgbToHsv and hsvToRgb. */
function shiftHueByPixel(src: Float32Array, plane: number, factor: number): Float32Array {
  const out = new Float32Array(src.length);
  const hsv = new Float64Array(3);
  const rgb = new Float64Array(3);
  for (let i = 0; i < plane; i++) {
    rgbToHsv(src[i], src[plane + i], src[2 * plane + i], hsv);
    hsvToRgb(mod1(hsv[0] + factor), hsv[1], hsv[2], rgb);
    out[i] = rgb[0];
    out[plane + i] = rgb[1];
    out[2 * plane + i] = rgb[2];
  }
  return out;
}

test('shiftHue gives the float32 values of rgbToHsv -> shift -> hsvToRgb, bit for bit', () => {
  const rng = createRng(3);
  // Random pixels, then the cases with their own branches: gray (max = min), ties for the maximum, black, white,
  // values quantised to 1/255 as decoded images hold them.
  const pixels: number[][] = Array.from({ length: 4000 }, () => [rng.next(), rng.next(), rng.next()]);
  pixels.push([0.5, 0.5, 0.5], [0, 0, 0], [1, 1, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1], [0.3, 0.3, 0.1], [0.1, 0.3, 0.3], [0.3, 0.1, 0.3]);
  for (let n = 0; n < 2000; n++) pixels.push([0, 0, 0].map(() => Math.floor(rng.next() * 256) / 255));
  const plane = pixels.length;
  const src = new Float32Array(3 * plane);
  pixels.forEach(([r, g, b], i) => {
    src[i] = r;
    src[plane + i] = g;
    src[2 * plane + i] = b;
  });
  for (const factor of [-0.5, -0.31, -0.1, 0, 0.05, 1 / 6, 0.25, 0.5]) {
    const expected = shiftHueByPixel(src, plane, factor);
    const out = new Float32Array(src.length);
    shiftHue(src, plane, factor, out);
    assert.deepEqual(out, expected, `factor ${factor}`);
    // In place, as ColorJitter runs it on its own output.
    const inPlace = src.slice();
    shiftHue(inPlace, plane, factor, inPlace);
    assert.deepEqual(inPlace, expected, `factor ${factor}, in place`);
  }
});
