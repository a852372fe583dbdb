import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../src/core/rng';
import { floatsToHalf, floatToHalfBits, halfBitsToFloat, halfToFloats } from '../../../src/model/float16';

const isNaNHalf = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

/** The float32 next to x (towards +infinity for positive x). */
function nextFloat32(x: number, direction: 1 | -1): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  u[0] += direction;
  return f[0];
}

/** Reference rounding: the nearest of all finite positive halves by binary search, ties to the even bit pattern. */
const positiveHalves = Array.from({ length: 0x7c00 }, (_, h) => halfBitsToFloat(h));
function referenceHalf(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  const max = positiveHalves[0x7bff];
  const overflow = max + 2 ** (15 - 10 - 1); // half an ulp above 65504
  if (a >= overflow) return sign | 0x7c00;
  let lo = 0;
  let hi = 0x7bff;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (positiveHalves[mid] <= a) lo = mid;
    else hi = mid;
  }
  if (a >= max) return sign | 0x7bff;
  const dLo = a - positiveHalves[lo];
  const dHi = positiveHalves[hi] - a;
  const pick = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
  return sign | pick;
}

test('half -> float -> half is the identity on all 65536 bit patterns (NaNs stay NaN with their sign)', () => {
  for (let h = 0; h < 0x10000; h++) {
    const f = halfBitsToFloat(h);
    assert.equal(Math.fround(f), f, `half 0x${h.toString(16)} is not a float32`);
    const back = floatToHalfBits(f);
    if (isNaNHalf(h)) {
      assert.ok(Number.isNaN(f) && isNaNHalf(back) && (back & 0x8000) === (h & 0x8000), `NaN 0x${h.toString(16)}`);
    } else {
      assert.equal(back, h, `0x${h.toString(16)} -> ${f} -> 0x${back.toString(16)}`);
    }
  }
});

test('known values', () => {
  const cases: [number, number][] = [
    [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
    [65519, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00], [-Infinity, 0xfc00], [Infinity, 0x7c00],
    [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [3 * 2 ** -26, 0x0001], [2 ** -26, 0x0000],
    [0.1, 0x2e66], [1 / 3, 0x3555], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [-1 - 2 ** -10, 0xbc01],
    [2 ** -14 - 2 ** -25, 0x0400], [255, 0x5bf8], [103.939, 0x567f],
  ];
  for (const [x, h] of cases) assert.equal(floatToHalfBits(x), h, `${x} -> 0x${floatToHalfBits(x).toString(16)}, expected 0x${h.toString(16)}`);
  assert.ok(Number.isNaN(halfBitsToFloat(floatToHalfBits(NaN))));
  assert.equal(halfBitsToFloat(0x7bff), 65504);
  assert.equal(halfBitsToFloat(0x0001), 2 ** -24);
  assert.equal(halfBitsToFloat(0x3555), 0.333251953125);
});

test('every midpoint between neighbouring halves rounds to the even one; one float32 ulp either side rounds to the nearer', () => {
  for (let h = 0; h < 0x7bff; h++) {
    const lo = halfBitsToFloat(h);
    const hi = halfBitsToFloat(h + 1);
    const mid = (lo + hi) / 2;
    assert.equal(Math.fround(mid), mid);
    for (const sign of [1, -1]) {
      const s = sign < 0 ? 0x8000 : 0;
      assert.equal(floatToHalfBits(sign * mid), s | (h % 2 === 0 ? h : h + 1), `midpoint ${sign * mid}`);
      assert.equal(floatToHalfBits(sign * nextFloat32(mid, -1)), s | h);
      assert.equal(floatToHalfBits(sign * nextFloat32(mid, 1)), s | (h + 1));
    }
  }
});

test('random float32 values round as the brute-force nearest half', () => {
  const rng = createRng(7);
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  for (let i = 0; i < 200_000; i++) {
    // exponents spread over the half range and beyond: bits of floats with magnitude 2^-30 .. 2^17
    const exponent = 97 + Math.floor(rng.next() * 48);
    bits[0] = ((rng.next() < 0.5 ? 1 : 0) << 31) | (exponent << 23) | Math.floor(rng.next() * 0x800000);
    const x = f[0];
    assert.equal(floatToHalfBits(x), referenceHalf(x), `${x}`);
  }
});

test('array conversions', () => {
  const values = Float32Array.of(0, 1, -1.5, 65504, 2 ** -24);
  const halves = floatsToHalf(values);
  assert.ok(halves instanceof Uint16Array);
  assert.deepEqual([...halves], [0, 0x3c00, 0xbe00, 0x7bff, 1]);
  assert.deepEqual(halfToFloats(halves), values);
});

test('array conversion of float32 input (integer fast path) equals the scalar one on every kind of value', () => {
  const rng = createRng(9);
  const bits = new Uint32Array(400_000);
  for (let i = 0; i < bits.length; i++) {
    // every float32 exponent (zeros, subnormals, the half's normal range and its edges, overflow, infinities, NaN)
    const exponent = i < 512 ? i % 256 : Math.floor(rng.next() * 256);
    bits[i] = ((rng.next() < 0.5 ? 1 : 0) << 31) | (exponent << 23) | (i % 7 === 0 ? 0 : Math.floor(rng.next() * 0x800000));
  }
  // midpoints and their neighbours at the top of the range, where rounding carries into the exponent
  bits.set([0x477fe000, 0x477fefff, 0x477ff000, 0x477fffff, 0x387fe000, 0x387ff000, 0x38800000 - 1], 0);
  const values = new Float32Array(bits.buffer);
  const fast = floatsToHalf(values);
  for (let i = 0; i < values.length; i++) {
    const what = `bits 0x${bits[i].toString(16)}`;
    if ((bits[i] & 0x7fffffff) <= 0x7f800000) assert.equal(fast[i], floatToHalfBits(values[i]), what);
    else assert.equal(fast[i], ((bits[i] >>> 16) & 0x8000) | 0x7c00 | ((bits[i] >>> 13) & 0x3ff || 0x200), `${what}: NaN, its payload's top bits`);
  }
  assert.deepEqual(floatsToHalf(values.subarray(3, 9)), fast.subarray(3, 9), 'a view into a larger buffer');
});

test('array conversion of half bits (integer fast path) equals the scalar one on all 65,536 halves, NaN payloads included', () => {
  const all = Uint16Array.from({ length: 65536 }, (_, h) => h);
  const floats = halfToFloats(all);
  const bits = new Uint32Array(floats.buffer);
  const one = new Float32Array(1);
  const oneBits = new Uint32Array(one.buffer);
  for (let h = 0; h < 65536; h++) {
    if (isNaNHalf(h)) {
      assert.equal(bits[h], (((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13)) >>> 0, `NaN half ${h.toString(16)} keeps its payload`);
      continue;
    }
    one[0] = halfBitsToFloat(h);
    assert.equal(bits[h], oneBits[0], `half ${h.toString(16)}`);
  }
});
