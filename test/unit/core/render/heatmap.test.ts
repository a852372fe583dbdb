import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createImage } from '../../../../src/core/image';
import { BLACK, createCanvas, getPixel, type RgbaImage } from '../../../../src/core/render/canvas';
import { colorize, type Rgb } from '../../../../src/core/render/colormap';
import { drawText } from '../../../../src/core/render/font';
import { heatmapRange, renderHeatmap, renderImage } from '../../../../src/core/render/heatmap';

const same = (a: Rgb, b: Rgb) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** All (x, y) where the canvas has exactly this colour. */
function findColor(canvas: RgbaImage, color: Rgb): [number, number][] {
  const hits: [number, number][] = [];
  for (let y = 0; y < canvas.height; y++) for (let x = 0; x < canvas.width; x++) if (same(getPixel(canvas, x, y), color)) hits.push([x, y]);
  return hits;
}

/** Whether `text` appears drawn in black at some position (its black pixels and the gaps between them match). */
function containsText(canvas: RgbaImage, text: string, scale = 1): boolean {
  const stamp = createCanvas(text.length * 6 * scale, 7 * scale);
  drawText(stamp, text, 0, 0, BLACK, scale);
  const ink = (img: RgbaImage, x: number, y: number) => same(getPixel(img, x, y), BLACK);
  for (let oy = 0; oy + stamp.height <= canvas.height; oy++) {
    for (let ox = 0; ox + stamp.width - scale <= canvas.width; ox++) {
      let match = true;
      for (let y = 0; y < stamp.height && match; y++) {
        for (let x = 0; x < stamp.width - scale && match; x++) match = ink(stamp, x, y) === ink(canvas, ox + x, oy + y);
      }
      if (match) return true;
    }
  }
  return false;
}

/** A height x width ramp from `from` to `to` in row-major order. */
function ramp(height: number, width: number, from: number, to: number): Float32Array {
  const n = height * width;
  return Float32Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));
}

describe('renderHeatmap', () => {
  it('upscales by nearest neighbour: each value fills a scale x scale block with its colour', () => {
    const map = ramp(4, 5, 0, 1);
    const img = renderHeatmap(map, 4, 5, { colormap: 'viridis', scale: 3, colorbar: false });
    // Without title or colour bar the map sits at the margin (4 px) and the canvas is map + 2 margins.
    assert.equal(img.width, 5 * 3 + 8);
    assert.equal(img.height, 4 * 3 + 8);
    for (let y = 0; y < 12; y++) {
      for (let x = 0; x < 15; x++) {
        const value = map[Math.floor(y / 3) * 5 + Math.floor(x / 3)];
        assert.deepEqual(getPixel(img, 4 + x, 4 + y), colorize(value, 0, 1, 'viridis'), `(${x}, ${y})`);
      }
    }
  });

  it('the colour bar runs from the map\'s first colour at the bottom to its last at the top', () => {
    // lo/hi beyond the data, so that the map area itself has neither end colour
    const img = renderHeatmap(ramp(8, 8, 0.2, 0.8), 8, 8, { colormap: 'magma', lo: 0, hi: 1, scale: 4, colorbar: true });
    const top = findColor(img, colorize(1, 0, 1, 'magma'));
    const bottom = findColor(img, colorize(0, 0, 1, 'magma'));
    assert.ok(top.length >= 6 && bottom.length >= 6, 'both end colours are drawn as bar rows');
    const rowsOf = (hits: [number, number][]) => new Set(hits.map(([, y]) => y));
    assert.equal(rowsOf(top).size, 1);
    assert.equal(rowsOf(bottom).size, 1);
    assert.ok(top[0][1] < bottom[0][1], 'high end above low end');
    assert.deepEqual(new Set(top.map(([x]) => x)), new Set(bottom.map(([x]) => x)), 'same columns');
    assert.ok(top[0][0] > 4 + 32, 'the bar is right of the map');
  });

  it('labels the bar with the low, middle and high values', () => {
    const img = renderHeatmap(ramp(10, 10, 0, 0.0123), 10, 10, { colormap: 'viridis', colorbar: true });
    for (const label of ['0.0123', '0.00615', '0']) assert.ok(containsText(img, label), `label ${label}`);
    assert.ok(!containsText(img, '0.0124'));
  });

  it('symmetric maps span [-m, m] so that 0 gets the diverging map\'s middle colour', () => {
    const map = Float32Array.of(-1e-5, 0, 3e-5, 2e-5);
    assert.deepEqual(heatmapRange(map, { symmetric: true }), { lo: -Math.fround(3e-5), hi: Math.fround(3e-5) });
    const bare = renderHeatmap(map, 2, 2, { colormap: 'rdbu_r', symmetric: true, scale: 10, colorbar: false });
    assert.deepEqual(getPixel(bare, 4 + 15, 4 + 5), colorize(0, -1, 1, 'rdbu_r'));
    assert.deepEqual(getPixel(bare, 4 + 5, 4 + 15), colorize(1, -1, 1, 'rdbu_r'));
    const withBar = renderHeatmap(map, 2, 2, { colormap: 'rdbu_r', symmetric: true, scale: 10, colorbar: true });
    for (const label of ['3e-5', '0', '-3e-5']) assert.ok(containsText(withBar, label), `label ${label}`);
  });

  it('uses explicit lo/hi, ignores NaN when finding the range and draws NaN grey', () => {
    const map = Float32Array.of(1, Number.NaN, 3, 5);
    assert.deepEqual(heatmapRange(map, {}), { lo: 1, hi: 5 });
    assert.deepEqual(heatmapRange(map, { lo: 0, hi: 10 }), { lo: 0, hi: 10 });
    assert.deepEqual(heatmapRange(Float32Array.of(Number.NaN), {}), { lo: 0, hi: 0 });
    const img = renderHeatmap(map, 2, 2, { colormap: 'gray', scale: 5, colorbar: false });
    assert.deepEqual(getPixel(img, 4 + 7, 4 + 2), [128, 128, 128]);
    assert.deepEqual(getPixel(img, 4 + 2, 4 + 2), [0, 0, 0]);
    assert.deepEqual(getPixel(img, 4 + 7, 4 + 7), [255, 255, 255]);
  });

  it('draws the title above the map and widens the canvas for a long one', () => {
    const title = 'Variance (sum over channels) = 42%';
    const img = renderHeatmap(ramp(3, 3, 0, 1), 3, 3, { colormap: 'inferno', title, colorbar: false });
    assert.ok(containsText(img, title));
    assert.ok(img.width >= title.length * 6 - 1 + 8);
  });

  it('uses bigger text for big maps', () => {
    const img = renderHeatmap(ramp(16, 16, 0, 1), 16, 16, { colormap: 'viridis', scale: 16, title: 'Mean', colorbar: true });
    assert.ok(containsText(img, 'Mean', 2));
    assert.ok(containsText(img, '0.5', 2));
  });

  it('rejects a map of the wrong size and a non-integer scale', () => {
    assert.throws(() => renderHeatmap(new Float32Array(5), 2, 3, { colormap: 'gray', colorbar: false }), { message: 'heatmap has 5 values, expected 2x3' });
    assert.throws(() => renderHeatmap(new Float32Array(6), 2, 3, { colormap: 'gray', scale: 1.5, colorbar: false }), { message: /positive integer/ });
  });
});

describe('renderImage', () => {
  it('shows an RGB image with its own colours, upscaled', () => {
    const img = createImage(3, 1, 2, Float32Array.of(1, 0, 0, 0.5, 0, 1));
    const out = renderImage(img, { scale: 2 });
    assert.equal(out.width, 4 + 8);
    assert.equal(out.height, 2 + 8);
    assert.deepEqual(getPixel(out, 4, 4), [255, 0, 0]);
    assert.deepEqual(getPixel(out, 5, 5), [255, 0, 0]);
    assert.deepEqual(getPixel(out, 6, 5), [0, 128, 255]);
  });

  it('shows a 1-channel image as gray and clamps values outside [0, 1]', () => {
    const out = renderImage(createImage(1, 1, 3, Float32Array.of(-1, 0.2, 3)));
    assert.deepEqual([4, 5, 6].map((x) => getPixel(out, x, 4)), [[0, 0, 0], [51, 51, 51], [255, 255, 255]]);
  });

  it('rejects other channel counts', () => {
    assert.throws(() => renderImage(createImage(4, 2, 2)), { message: /4 channels/ });
  });
});
