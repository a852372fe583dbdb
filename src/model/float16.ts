/**
 * IEEE 754 binary16 <-> binary32 conversion on bit patterns (Node 20 has no Float16Array; onnxruntime-node takes
 * float16 tensors as a Uint16Array of half bits). Float -> half rounds to nearest, ties to even, overflows to
 * infinity, produces subnormals below 2^-14 and keeps NaN payloads' top 10 bits (quietened when they vanish).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The half bits nearest to the float32 value of x. */
export function floatToHalfBits(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) {
    if (mantissa === 0) return sign | 0x7c00;
    const payload = mantissa >>> 13;
    return sign | 0x7c00 | (payload === 0 ? 0x200 : payload);
  }
  const e = exponent - 127 + 15; // biased half exponent
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: value = m * 2^(e - 14 - 10) with m the 24-bit significand; half units are 2^-24.
    if (e < -10) return sign;
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const rounded = roundShift(m, shift);
    return sign | rounded; // a carry into bit 10 gives the smallest normal, as it should
  }
  const rounded = roundShift(mantissa, 13);
  return (sign | (e << 10)) + rounded; // a carry out of the mantissa bumps the exponent (up to infinity)
}

/** m >> shift rounded to nearest, ties to even. */
function roundShift(m: number, shift: number): number {
  const q = m >>> shift;
  const rest = m - q * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && (q & 1) === 1) ? q + 1 : q;
}

/** The float value of half bits h (exact: every half is a float32). */
export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) {
    if (mantissa === 0) return sign * Infinity;
    u32[0] = ((h & 0x8000) << 16) | 0x7f800000 | (mantissa << 13);
    return f32[0];
  }
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/**
 * floatToHalfBits of every value; float32 input read as bits. Zeros and values in the normal half range take integer
 * arithmetic: with a = |bits|, a float32 exponent E in [113, 142] is the half exponent E - 112, so the half is
 * (a - (112 << 23)) >> 13 rounded to nearest even by first adding 0xfff plus the lowest kept bit (a carry out of the
 * mantissa bumps the exponent, up to infinity, as it should). A NaN keeps its payload's top 10 bits from the bits
 * themselves (a float32 NaN read as a number may come back quietened). The rest (subnormal halves, overflow,
 * infinities) go through floatToHalfBits.
 */
export function floatsToHalf(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  if (!(values instanceof Float32Array)) {
    for (let i = 0; i < values.length; i++) out[i] = floatToHalfBits(values[i]);
    return out;
  }
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    const a = b & 0x7fffffff;
    const sign = (b >>> 16) & 0x8000;
    if (a >= 0x38800000 && a < 0x47800000) out[i] = sign | ((a - 0x38000000 + 0xfff + ((a >>> 13) & 1)) >>> 13);
    else if (a === 0) out[i] = sign;
    else if (a > 0x7f800000) out[i] = sign | 0x7c00 | ((a >>> 13) & 0x3ff || 0x200);
    else out[i] = floatToHalfBits(values[i]);
  }
  return out;
}

/**
 * halfBitsToFloat of every value. A normal half (exponent field 1..30) is the float32 with its sign, its exponent plus
 * 127 - 15 and its mantissa shifted up 13 bits: integer arithmetic on the bits. Zeros, subnormals, infinities and
 * NaNs (whose payload bits are kept this way too) go through halfBitsToFloat.
 */
export function halfToFloats(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const exponent = h & 0x7c00;
    if (exponent !== 0 && exponent !== 0x7c00) outBits[i] = (((h & 0x8000) << 16) | ((h & 0x7fff) << 13)) + 0x38000000;
    else if (exponent === 0x7c00) outBits[i] = ((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13);
    else out[i] = halfBitsToFloat(h);
  }
  return out;
}
