import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpolateInferno, interpolateMagma, interpolateViridis, schemeRdBu } from 'd3-scale-chromatic';
import { colorize, colormapIndex, colormapTable, COLORMAP_NAMES, COLORMAP_SIZE, type ColormapName } from '../../../../src/core/render/colormap';

const hex = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));

/** CIELAB lightness L* of an sRGB colour (D65). */
function lightness([r, g, b]: number[]): number {
  const linear = (v: number) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  const y = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  return y > 216 / 24389 ? 116 * Math.cbrt(y) - 16 : (24389 / 27) * y;
}

const entry = (name: ColormapName, i: number) => Array.from(colormapTable(name).subarray(3 * i, 3 * i + 3));

describe('colour maps', () => {
  it('end at the published colours', () => {
    const ends: Record<ColormapName, [string, string]> = {
      viridis: ['#440154', '#fde725'],
      magma: ['#000004', '#fcfdbf'],
      inferno: ['#000004', '#fcffa4'],
      rdbu_r: ['#053061', '#67001f'],
      gray: ['#000000', '#ffffff'],
    };
    for (const name of COLORMAP_NAMES) {
      assert.deepEqual(colorize(0, 0, 1, name), hex(ends[name][0]), `${name} low end`);
      assert.deepEqual(colorize(1, 0, 1, name), hex(ends[name][1]), `${name} high end`);
    }
  });

  it('viridis, magma and inferno match matplotlib\'s 256-entry tables (as d3-scale-chromatic ships them) within 2/255', () => {
    for (const [name, reference] of [['viridis', interpolateViridis], ['magma', interpolateMagma], ['inferno', interpolateInferno]] as const) {
      for (let i = 0; i < COLORMAP_SIZE; i++) {
        const expected = hex(reference(i / (COLORMAP_SIZE - 1))); // d3's ramps return '#rrggbb'
        const ours = entry(name, i);
        expected.forEach((v, k) => assert.ok(Math.abs(v - ours[k]) <= 2, `${name}[${i}] = ${ours} vs ${expected}`));
      }
    }
  });

  it('rdbu_r passes through ColorBrewer\'s 11 RdBu colours, reversed (blue for low, red for high)', () => {
    const anchors = [...schemeRdBu[11]].reverse().map(hex);
    for (let k = 0; k <= 10; k++) {
      const position = (k / 10) * (COLORMAP_SIZE - 1);
      const i = Math.round(position);
      const neighbour = anchors[k + (i > position ? 1 : -1)] ?? anchors[k];
      const ours = entry('rdbu_r', i);
      // the nearest table entry lies at most half an entry (1/51 of a segment) from the anchor
      ours.forEach((v, c) => assert.ok(Math.abs(v - anchors[k][c]) <= Math.abs(neighbour[c] - anchors[k][c]) / 51 + 0.5, `anchor ${k}`));
    }
  });

  it('sequential maps get lighter monotonically (CIELAB L*) over a wide range', () => {
    for (const name of ['viridis', 'magma', 'inferno', 'gray'] as const) {
      const l = Array.from({ length: COLORMAP_SIZE }, (_, i) => lightness(entry(name, i)));
      for (let i = 1; i < COLORMAP_SIZE; i++) assert.ok(l[i] >= l[i - 1] - 0.25, `${name}: L* drops from ${l[i - 1]} to ${l[i]} at ${i}`);
      assert.ok(l[COLORMAP_SIZE - 1] - l[0] > 60, `${name}: L* spans only ${l[0]}..${l[COLORMAP_SIZE - 1]}`);
    }
  });

  it('the diverging map is lightest in the middle and dark at both ends', () => {
    const l = Array.from({ length: COLORMAP_SIZE }, (_, i) => lightness(entry('rdbu_r', i)));
    const brightest = l.indexOf(Math.max(...l));
    assert.ok(Math.abs(brightest - 127.5) <= 2, `lightest entry ${brightest}`);
    assert.ok(l[0] < 25 && l[COLORMAP_SIZE - 1] < 25);
    for (let i = 1; i <= brightest; i++) assert.ok(l[i] >= l[i - 1] - 0.25);
    for (let i = brightest + 1; i < COLORMAP_SIZE; i++) assert.ok(l[i] <= l[i - 1] + 0.25);
  });

  it('colorize clamps values outside [lo, hi] and uses the middle colour for an empty range', () => {
    assert.deepEqual(colorize(-5, 0, 1, 'viridis'), colorize(0, 0, 1, 'viridis'));
    assert.deepEqual(colorize(7, 0, 1, 'viridis'), colorize(1, 0, 1, 'viridis'));
    assert.deepEqual(colorize(3, 3, 3, 'gray'), [128, 128, 128]);
    assert.equal(colormapIndex(0.25, 0, 1), 64);
    assert.equal(colormapIndex(-1e-3, -1e-3, 1e-3), 0);
  });
});
