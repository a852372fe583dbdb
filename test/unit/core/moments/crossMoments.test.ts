// Neighbour cross moments E[y(p) y(p + d)] of finite outcome sets (the bilinear warps' input) against the weighted
// sum over every outcome, for uniform (box-filtered), non-uniform and non-separable offset laws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcomes, type Mixture } from '../../../../src/core/augment/mixture';
import { offsetGrid, uniformIntegers } from '../../../../src/core/augment/offsets';
import { crossMoments } from '../../../../src/core/moments/pixelLaw';
import { maxAbsDiff, randomImage } from './bruteForce';

function bruteCross(m: Mixture, dy: number, dx: number): Float64Array {
  const { channels, height: h, width: w } = m.shape;
  const out = new Float64Array(channels * h * w);
  for (const { weight, image } of outcomes(m)) {
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (y + dy < 0 || y + dy >= h || x + dx < 0 || x + dx >= w) continue;
          out[(c * h + y) * w + x] += weight * image.data[(c * h + y) * w + x] * image.data[(c * h + y + dy) * w + x + dx];
        }
      }
    }
  }
  return out;
}

const DIRECTIONS = [
  [0, 1],
  [1, 0],
  [1, 1],
  [1, -1],
  [-1, 2],
] as const;

test('cross moments of crop families: uniform offsets (prefix sums), skewed offsets, an explicit offset list', () => {
  const shape = { channels: 3, height: 7, width: 9 };
  const canvas = randomImage(3, 12, 13, 4);
  const skewed = { values: Int32Array.from([0, 1, 2, 3, 4]), p: Float64Array.from([0.1, 0.3, 0.2, 0.25, 0.15]) };
  const mixtures: Mixture[] = [
    { shape, families: [{ weight: 1, base: canvas, offsets: offsetGrid(uniformIntegers(0, 5), uniformIntegers(0, 4)) }] },
    {
      shape,
      families: [
        { weight: 0.6, base: canvas, offsets: offsetGrid(skewed, uniformIntegers(0, 4)) },
        { weight: 0.4, base: randomImage(3, 9, 11, 8), offsets: { dy: Int32Array.from([0, 2, 1]), dx: Int32Array.from([1, 0, 2]), p: Float64Array.from([0.5, 0.3, 0.2]) } },
      ],
    },
  ];
  for (const m of mixtures) {
    for (const [dy, dx] of DIRECTIONS) {
      const exact = crossMoments(m, dy, dx);
      const brute = bruteCross(m, dy, dx);
      assert.ok(maxAbsDiff(exact, brute) < 1e-12, `d = (${dy}, ${dx}): off by ${maxAbsDiff(exact, brute)}`);
      assert.ok(brute.some((v) => v !== 0));
    }
  }
});
