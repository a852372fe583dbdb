import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLACK, createCanvas, getPixel, type RgbaImage } from '../../../../src/core/render/canvas';
import { drawText, GLYPH_HEIGHT, GLYPH_WIDTH, hasGlyph, textWidth } from '../../../../src/core/render/font';

const REQUIRED = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-+e:=%(),/ ';

/** The glyph's pixels as a string of '#' and '.', row by row. */
function bitmap(ch: string, scale = 1): string {
  const canvas = createCanvas(GLYPH_WIDTH * scale, GLYPH_HEIGHT * scale);
  drawText(canvas, ch, 0, 0, BLACK, scale);
  return rows(canvas).join('\n');
}

function rows(canvas: RgbaImage): string[] {
  return Array.from({ length: canvas.height }, (_, y) =>
    Array.from({ length: canvas.width }, (_, x) => (getPixel(canvas, x, y)[0] === 0 ? '#' : '.')).join(''),
  );
}

describe('bitmap font', () => {
  it('has a glyph for every character the labels use', () => {
    for (const ch of REQUIRED) assert.ok(hasGlyph(ch), JSON.stringify(ch));
  });

  it('gives every visible character its own bitmap', () => {
    const seen = new Map<string, string>();
    for (const ch of new Set(REQUIRED.trim())) {
      const bits = bitmap(ch);
      assert.ok(bits.includes('#'), `${ch} is blank`);
      assert.ok(!seen.has(bits), `${ch} looks like ${seen.get(bits)}`);
      seen.set(bits, ch);
    }
  });

  it('draws the digit 1 as the 5x7 pattern', () => {
    assert.equal(bitmap('1'), ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'].join('\n'));
  });

  it('scales each font pixel to a square', () => {
    const big = bitmap('-', 2).split('\n');
    assert.equal(big.length, 14);
    assert.equal(big[6], '##########');
    assert.equal(big[7], '##########');
    assert.equal(big[5], '..........');
  });

  it('measures text: 5 pixels per glyph plus 1 between glyphs, times the scale', () => {
    assert.equal(textWidth(''), 0);
    assert.equal(textWidth('0.5'), 17);
    assert.equal(textWidth('0.5', 2), 34);
  });

  it('draws characters outside the font as a box instead of dropping them', () => {
    assert.ok(!hasGlyph('~'));
    assert.equal(bitmap('~'), ['#####', '#...#', '#...#', '#...#', '#...#', '#...#', '#####'].join('\n'));
  });
});
