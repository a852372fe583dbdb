import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64ToBytes, bytesToBase64, parseWithArrays, stringifyWithArrays } from '../../../src/shared/binaryJson';

test('base64 matches Node for every length remainder and round-trips', () => {
  for (const length of [0, 1, 2, 3, 4, 5, 64, 257]) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 255);
    const text = bytesToBase64(bytes);
    assert.equal(text, Buffer.from(bytes).toString('base64'));
    assert.deepEqual(base64ToBytes(text), bytes);
  }
  assert.throws(() => base64ToBytes('ab$d'), /not base64/);
});

test('Float32Arrays survive the JSON round trip bit for bit, also when they view part of a larger buffer', () => {
  const big = Float32Array.from([1.5, -0, Math.PI, 1e-38, -3e38, 0.1, 7]);
  const value = { a: big.subarray(2, 5), nested: [{ b: new Float32Array(0) }], n: 3, s: 'x', inf: Infinity };
  const back = parseWithArrays(stringifyWithArrays(value)) as typeof value;
  assert.ok(back.a instanceof Float32Array);
  assert.deepEqual(Array.from(back.a), Array.from(big.subarray(2, 5)));
  assert.equal(back.nested[0].b.length, 0);
  assert.equal(back.n, 3);
  assert.equal(back.inf, null, 'JSON has no Infinity');
});
