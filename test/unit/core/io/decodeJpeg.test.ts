import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encode as encodeJpegJs } from 'jpeg-js';
import { shapeLabel, type Image } from '../../../../src/core/image';
import { decodeImage } from '../../../../src/core/io/decode';
import { makeExampleImage } from '../../../../src/core/io/exampleImage';
import { upsamplePlane } from '../../../../src/core/io/jpegUpsample';

const DATA = join(__dirname, 'data');

/** Largest and mean absolute difference in 1/255 steps, and the share of equal samples. */
function byteDifference(a: Image, b: Image): { max: number; mean: number; equal: number } {
  assert.equal(shapeLabel(a), shapeLabel(b));
  let max = 0;
  let sum = 0;
  let equal = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(Math.round(a.data[i] * 255) - Math.round(b.data[i] * 255));
    max = Math.max(max, d);
    sum += d;
    if (d === 0) equal++;
  }
  return { max, mean: sum / a.data.length, equal: equal / a.data.length };
}

function exampleAsJpeg(quality: number): Buffer {
  const img = makeExampleImage();
  const plane = img.height * img.width;
  const rgba = new Uint8Array(4 * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) rgba[4 * p + c] = Math.round(img.data[c * plane + p] * 255);
    rgba[4 * p + 3] = 255;
  }
  return encodeJpegJs({ data: rgba, width: img.width, height: img.height }, quality).data;
}

/** The byte offset of the first marker segment of the given type (0xFFxx), or -1. */
function findSegment(jpeg: Uint8Array, marker: number): number {
  let offset = 2;
  while (offset + 4 <= jpeg.length && jpeg[offset] === 0xff) {
    if (jpeg[offset + 1] === marker) return offset;
    offset += 2 + ((jpeg[offset + 2] << 8) | jpeg[offset + 3]);
  }
  return -1;
}

/** The JPEG with its JFIF APP0 segment replaced by an Adobe APP14 segment with the given transform flag. */
function withAdobeInsteadOfJfif(jpeg: Buffer, transform: number): Buffer {
  const app0 = findSegment(jpeg, 0xe0);
  assert.ok(app0 > 0, 'jpeg-js writes a JFIF APP0 segment');
  const app0End = app0 + 2 + ((jpeg[app0 + 2] << 8) | jpeg[app0 + 3]);
  const adobe = Buffer.from([0xff, 0xee, 0x00, 0x0e, ...Buffer.from('Adobe'), 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, transform]);
  return Buffer.concat([jpeg.subarray(0, app0), adobe, jpeg.subarray(app0End)]);
}

describe('decodeImage on JPEGs made by PIL (libjpeg-turbo), against PIL decoding them', () => {
  // data/example_37x29_*.jpg: a 37x29 crop of makeExampleImage() saved by PIL 9.4 (quality 90; 4:2:0, 4:2:2
  // progressive, grayscale); *.pil.png: PIL's Image.open(jpg).convert('RGB' or 'L') of each, saved losslessly.
  // The remaining differences come from the IDCT (jpeg-js vs libjpeg's ISLOW): at most 3/255, mostly 0.
  // jpeg-js's own nearest-neighbour chroma upsampling and float colour conversion are 4x further off on average.
  for (const [name, shape] of [
    ['example_37x29_420', '3x29x37'],
    ['example_37x29_422_progressive', '3x29x37'],
    ['example_37x29_gray', '1x29x37'],
  ] as const) {
    it(`${name}: shape ${shape}, within 3/255 of PIL, mean difference under 0.25/255`, () => {
      const ours = decodeImage(readFileSync(join(DATA, `${name}.jpg`)), `${name}.jpg`);
      const pil = decodeImage(readFileSync(join(DATA, `${name}.pil.png`)), `${name}.pil.png`);
      assert.equal(shapeLabel(ours), shape);
      const diff = byteDifference(ours, pil);
      assert.ok(diff.max <= 3, `max difference ${diff.max}/255`);
      assert.ok(diff.mean < 0.25, `mean difference ${diff.mean}/255`);
      assert.ok(diff.equal > 0.8, `only ${(100 * diff.equal).toFixed(1)}% of samples equal`);
    });
  }
});

describe('JPEG colour handling', () => {
  it('a JFIF (YCbCr) JPEG of the example image decodes close to the image', () => {
    const decoded = decodeImage(exampleAsJpeg(100), 'example.jpg');
    const diff = byteDifference(decoded, makeExampleImage());
    assert.ok(diff.max <= 4 && diff.mean < 1, `max ${diff.max}/255, mean ${diff.mean}/255`);
  });

  it('a plain Uint8Array view at an odd offset decodes like a Buffer', () => {
    const jpeg = exampleAsJpeg(90);
    const view = new Uint8Array(jpeg.length + 3).subarray(3);
    view.set(jpeg);
    assert.deepEqual(decodeImage(view, 'view.jpg'), decodeImage(jpeg, 'buffer.jpg'));
  });

  it('an Adobe marker with transform 1 means YCbCr, and the input bytes are left untouched', () => {
    const jfif = exampleAsJpeg(90);
    const adobe = withAdobeInsteadOfJfif(jfif, 1);
    const before = Buffer.from(adobe);
    const fromAdobe = decodeImage(adobe, 'adobe.jpg');
    assert.deepEqual(adobe, before);
    assert.deepEqual(fromAdobe.data, decodeImage(jfif, 'jfif.jpg').data);
  });

  it('an Adobe marker with transform 0 means the components are R, G, B as stored', () => {
    const jfif = exampleAsJpeg(90);
    const asYcc = decodeImage(jfif, 'jfif.jpg');
    const raw = decodeImage(withAdobeInsteadOfJfif(jfif, 0), 'rgb.jpg');
    // Converting the raw components with the JFIF equations must give the YCbCr decoding back (within rounding).
    const plane = raw.height * raw.width;
    for (let p = 0; p < plane; p++) {
      const [y, cb, cr] = [0, 1, 2].map((c) => raw.data[c * plane + p] * 255);
      const rgb = [y + 1.402 * (cr - 128), y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128), y + 1.772 * (cb - 128)];
      for (let c = 0; c < 3; c++) {
        const expected = Math.min(255, Math.max(0, rgb[c]));
        assert.ok(Math.abs(expected - asYcc.data[c * plane + p] * 255) <= 1, `pixel ${p} channel ${c}`);
      }
    }
  });
});

describe('chroma upsampling (libjpeg-turbo fancy upsampling)', () => {
  /**
   * Reference: each output sample is 3/4 of the nearest input sample + 1/4 of the next nearest in each
   * upsampled direction (edges repeat the edge sample), in integers with libjpeg's alternating biases.
   */
  function reference(data: number[], w: number, h: number, ex: 1 | 2, ey: 1 | 2, x: number, y: number): number {
    const at = (i: number, j: number) => data[Math.min(h - 1, Math.max(0, i)) * w + Math.min(w - 1, Math.max(0, j))];
    const i = ey === 2 ? y >> 1 : y;
    const j = ex === 2 ? x >> 1 : x;
    const di = ey === 2 ? (y % 2 === 0 ? -1 : 1) : 0;
    const dj = ex === 2 ? (x % 2 === 0 ? -1 : 1) : 0;
    const column = (jj: number) => (ey === 2 ? 3 * at(i, jj) + at(i + di, jj) : at(i, jj));
    if (ex === 2 && ey === 2) return (3 * column(j) + column(j + dj) + (x % 2 === 0 ? 8 : 7)) >> 4;
    if (ex === 2) return (3 * column(j) + column(j + dj) + (x % 2 === 0 ? 1 : 2)) >> 2;
    return (column(j) + (y % 2 === 0 ? 1 : 2)) >> 2;
  }

  const w = 5;
  const h = 4;
  const data = [3, 250, 17, 99, 0, 255, 128, 64, 1, 200, 42, 42, 7, 180, 90, 13, 77, 230, 5, 140];
  for (const [ex, ey, label] of [[2, 2, '4:2:0'], [2, 1, '4:2:2'], [1, 2, '4:4:0']] as const) {
    it(`${label}: matches the triangle-filter reference on every output sample`, () => {
      const out = upsamplePlane({ width: w, height: h, data: Uint8Array.from(data) }, ex, ey);
      assert.equal(out.width, w * ex);
      assert.equal(out.height, h * ey);
      for (let y = 0; y < out.height; y++) {
        for (let x = 0; x < out.width; x++) {
          assert.equal(out.data[y * out.width + x], reference(data, w, h, ex, ey, x, y), `(${x}, ${y})`);
        }
      }
    });
  }

  it('other factors and planes at most 2 samples wide are replicated', () => {
    const out = upsamplePlane({ width: 2, height: 1, data: Uint8Array.of(10, 20) }, 2, 2);
    assert.deepEqual(Array.from(out.data), [10, 10, 20, 20, 10, 10, 20, 20]);
    const wide = upsamplePlane({ width: 3, height: 1, data: Uint8Array.of(1, 2, 3) }, 4, 1);
    assert.deepEqual(Array.from(wide.data), [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  });
});

describe('corrupt and unsupported JPEGs are rejected with the file name and the problem', () => {
  const jpeg = exampleAsJpeg(90);
  const rejects = (bytes: Uint8Array, message: RegExp) => assert.throws(() => decodeImage(bytes, 'photo.jpg'), { message });

  it('cut inside the image data', () =>
    rejects(jpeg.subarray(0, jpeg.length - 200), /^photo\.jpg: corrupt JPEG: truncated: image data ends before the end-of-image marker$/));
  it('cut inside the header', () => rejects(jpeg.subarray(0, 40), /^photo\.jpg: corrupt JPEG: truncated/));
  it('a lossless JPEG (SOF3) is named unsupported, not corrupt', () => {
    const lossless = Buffer.from(jpeg);
    lossless[findSegment(jpeg, 0xc0) + 1] = 0xc3;
    rejects(lossless, /^photo\.jpg: unsupported JPEG: SOF marker 0xFFC3 \(lossless, hierarchical or arithmetic coding\)/);
  });
  it('12-bit samples', () => {
    const deep = Buffer.from(jpeg);
    deep[findSegment(jpeg, 0xc0) + 4] = 12;
    rejects(deep, /^photo\.jpg: unsupported JPEG: 12-bit samples \(only 8-bit\)$/);
  });
});
