import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { shapeLabel, type Image } from '../../../../src/core/image';
import { decodeImage } from '../../../../src/core/io/decode';
import { buildPng, GRAY, GRAY_ALPHA, PALETTE, RGB, RGBA } from './pngBuilder';

const FIXTURE_IMAGES = resolve(__dirname, '../../../../../shared/fixtures/images');
const fixturesMissing = existsSync(FIXTURE_IMAGES) ? false : `fixtures folder ${FIXTURE_IMAGES} is absent on this machine`;

/** Deterministic pseudo-random integers in [0, bound). */
function randomInts(count: number, bound: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * bound);
  });
}

/** The image's CHW samples as bytes (value * 255, which must be an integer). */
function chwBytes(img: Image): Uint8Array {
  return Uint8Array.from(img.data, (v) => {
    const b = v * 255;
    assert.ok(Math.abs(b - Math.round(b)) < 1e-4, `sample ${v} is not a multiple of 1/255`);
    return Math.round(b);
  });
}

/** Expected CHW bytes for pixel-interleaved samples: channels taken from the first `channels` of `perPixel`. */
function expectedChw(samples: number[], perPixel: number, channels: number, toByte: (v: number) => number): number[] {
  const pixels = samples.length / perPixel;
  const out: number[] = [];
  for (let c = 0; c < channels; c++) for (let p = 0; p < pixels; p++) out.push(toByte(samples[p * perPixel + c]));
  return out;
}

describe('decodeImage on the fixture photos', { skip: fixturesMissing }, () => {
  // sha256 of the uint8 CHW array that PIL 9.4 gives for Image.open(f).convert('L' or 'RGB'), checked by hand.
  const cases = [
    ['chelsea.png', '3x300x451', '9c717786308ef130d869e61afda7439c5a84e3624d7d1bc0500947db97a023f1'],
    ['camera.png', '1x512x512', '5cb24482a53416f99052258be2b1ee38cd31c559a70c8a8b321cba231b332e21'],
    ['mnist_28.png', '1x28x28', '39865cd4793d9f38926f9e2f10ced5566c7877370661c8bb7ab75bb67febc4d9'],
    ['kitten_224.png', '3x224x224', '3c2af653dfcb85da36085d5edb8a9c8d2c60e1bb4a9436fa8c4ccd230b2b86b7'],
  ] as const;
  for (const [name, shape, sha] of cases) {
    it(`${name}: shape ${shape} and PIL's pixel values`, () => {
      const img = decodeImage(readFileSync(join(FIXTURE_IMAGES, name)), name);
      assert.equal(shapeLabel(img), shape);
      assert.equal(createHash('sha256').update(chwBytes(img)).digest('hex'), sha);
    });
  }
});

describe('decodeImage on every PNG colour type and bit depth', () => {
  const width = 7;
  const height = 5;
  const pixels = width * height;

  for (const depth of [1, 2, 4, 8, 16]) {
    it(`gray, ${depth}-bit: 1 channel, samples scaled to 8 bits as PIL does`, () => {
      const samples = randomInts(pixels, 2 ** depth, depth);
      const img = decodeImage(buildPng({ width, height, colorType: GRAY, bitDepth: depth, samples }), 'g.png');
      assert.equal(shapeLabel(img), `1x${height}x${width}`);
      const toByte = depth === 16 ? (v: number) => v >> 8 : (v: number) => Math.round((v * 255) / (2 ** depth - 1));
      assert.deepEqual(Array.from(chwBytes(img)), expectedChw(samples, 1, 1, toByte));
    });
  }

  for (const depth of [8, 16]) {
    const toByte = depth === 16 ? (v: number) => v >> 8 : (v: number) => v;
    it(`gray+alpha, ${depth}-bit: 1 channel, alpha dropped`, () => {
      const samples = randomInts(2 * pixels, 2 ** depth, 10 + depth);
      const img = decodeImage(buildPng({ width, height, colorType: GRAY_ALPHA, bitDepth: depth, samples }), 'la.png');
      assert.equal(shapeLabel(img), `1x${height}x${width}`);
      assert.deepEqual(Array.from(chwBytes(img)), expectedChw(samples, 2, 1, toByte));
    });
    it(`RGB, ${depth}-bit: 3 channels in CHW order`, () => {
      const samples = randomInts(3 * pixels, 2 ** depth, 20 + depth);
      const img = decodeImage(buildPng({ width, height, colorType: RGB, bitDepth: depth, samples }), 'rgb.png');
      assert.equal(shapeLabel(img), `3x${height}x${width}`);
      assert.deepEqual(Array.from(chwBytes(img)), expectedChw(samples, 3, 3, toByte));
    });
    it(`RGBA, ${depth}-bit: alpha dropped, colour not composited`, () => {
      const samples = randomInts(4 * pixels, 2 ** depth, 30 + depth);
      for (let p = 0; p < pixels; p += 3) samples[4 * p + 3] = 0; // fully transparent pixels keep their colour
      const img = decodeImage(buildPng({ width, height, colorType: RGBA, bitDepth: depth, samples }), 'rgba.png');
      assert.equal(shapeLabel(img), `3x${height}x${width}`);
      assert.deepEqual(Array.from(chwBytes(img)), expectedChw(samples, 4, 3, toByte));
    });
  }

  for (const depth of [1, 2, 4, 8]) {
    it(`palette, ${depth}-bit: 3 channels from the palette, tRNS ignored`, () => {
      const entries = 2 ** depth;
      const palette = Array.from({ length: entries }, (_, i) => randomInts(3, 256, 100 + i));
      const indices = randomInts(pixels, entries, 40 + depth);
      const trns = new Uint8Array(entries).fill(0);
      const img = decodeImage(buildPng({ width, height, colorType: PALETTE, bitDepth: depth, samples: indices, palette, trns }), 'p.png');
      assert.equal(shapeLabel(img), `3x${height}x${width}`);
      const expected = [0, 1, 2].flatMap((c) => indices.map((i) => palette[i][c]));
      assert.deepEqual(Array.from(chwBytes(img)), expected);
    });
  }

  it('interlaced (Adam7) PNGs decode like plain ones', () => {
    const w = 11; // not a multiple of 8, so that some passes have partial rows
    const h = 9;
    for (const [colorType, bitDepth, perPixel] of [[RGB, 8, 3], [GRAY, 2, 1], [RGBA, 16, 4]]) {
      const samples = randomInts(w * h * perPixel, 2 ** bitDepth, 60 + bitDepth);
      const plain = decodeImage(buildPng({ width: w, height: h, colorType, bitDepth, samples }), 'plain.png');
      const interlaced = decodeImage(buildPng({ width: w, height: h, colorType, bitDepth, samples, interlaced: true }), 'adam7.png');
      assert.deepEqual(interlaced, plain);
    }
  });

  it('a plain Uint8Array view at an odd offset decodes like a Buffer', () => {
    const png = buildPng({ width, height, colorType: RGB, bitDepth: 8, samples: randomInts(3 * pixels, 256, 70) });
    const view = new Uint8Array(png.length + 3).subarray(3);
    view.set(png);
    assert.deepEqual(decodeImage(view, 'view.png'), decodeImage(png, 'buffer.png'));
  });

  it('gray and RGB with a tRNS colour keep that colour (pngjs alone would zero it)', () => {
    const gray = randomInts(pixels, 4, 50).map((v) => 60 * v);
    const grayImg = decodeImage(buildPng({ width, height, colorType: GRAY, bitDepth: 8, samples: gray, trns: Uint8Array.of(0, 60) }), 'gt.png');
    assert.deepEqual(Array.from(chwBytes(grayImg)), gray);
    const rgb = randomInts(3 * pixels, 2, 51).map((v) => 120 * v);
    const trns = Uint8Array.of(0, 120, 0, 0, 0, 120); // (120, 0, 120)
    const rgbImg = decodeImage(buildPng({ width, height, colorType: RGB, bitDepth: 8, samples: rgb, trns }), 'rt.png');
    assert.deepEqual(Array.from(chwBytes(rgbImg)), expectedChw(rgb, 3, 3, (v) => v));
  });
});

describe('decodeImage errors name the file and the problem', () => {
  const png = buildPng({ width: 4, height: 3, colorType: RGB, bitDepth: 8, samples: randomInts(36, 256, 7) });

  const rejects = (bytes: Uint8Array, name: string, message: RegExp) => assert.throws(() => decodeImage(bytes, name), { message });

  it('an empty file', () => rejects(new Uint8Array(0), 'empty.png', /^empty\.png: empty file, not a PNG or JPEG image$/));
  it('a file that is not an image', () =>
    rejects(Buffer.from('<html>404</html>'), 'chelsea.png', /^chelsea\.png: not a PNG or JPEG image \(starts with 0x3c68746d6c3e3430 "<html>40"\)$/));
  it('a PNG cut in the middle', () =>
    rejects(png.subarray(0, 50), 'cut.png', /^cut\.png: corrupt PNG: truncated: chunk IDAT ends at byte \d+ but the file has 50 bytes$/));
  it('a PNG without its IEND chunk', () => rejects(png.subarray(0, png.length - 12), 'noend.png', /^noend\.png: corrupt PNG: truncated: .*without an IEND chunk$/));
  it('a PNG with a damaged byte', () => {
    const damaged = Buffer.from(png);
    damaged[45] ^= 0x40; // inside the IDAT data
    rejects(damaged, 'bad.png', /^bad\.png: corrupt PNG: CRC mismatch in chunk IDAT at byte 33 \(damaged file\)$/);
  });
  it('only the PNG signature', () => rejects(png.subarray(0, 8), 'sig.png', /^sig\.png: corrupt PNG: truncated/));
});
