import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeNpy, encodeNpyFloat32 } from '../../../../src/core/io/npy';
import { pythonWith, runPython, skipWithout } from './python';

describe('encodeNpyFloat32', () => {
  it('writes the NPY 1.0 header byte for byte as numpy.save does', () => {
    const npy = encodeNpyFloat32(new Float32Array(12), [3, 4]);
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";
    // numpy adds 21 - len("3") spaces of room for the first axis, then pads to 64 bytes with a final newline.
    const header = `${dict}${' '.repeat(20)}`.padEnd(128 - 10 - 1, ' ') + '\n';
    assert.deepEqual(Array.from(npy.subarray(0, 8)), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]);
    assert.equal(npy.readUInt16LE(8), 118);
    assert.equal(npy.subarray(10, 128).toString('latin1'), header);
    assert.equal(npy.length, 128 + 12 * 4);
  });

  it('keeps the data offset a multiple of 64 for any shape, and writes 1-D and 0-D shapes as numpy does', () => {
    for (const [shape, text] of [[[7], '(7,)'], [[], '()'], [[2, 3, 224, 224], '(2, 3, 224, 224)'], [[123456789012, 0], '(123456789012, 0)']] as const) {
      const npy = encodeNpyFloat32(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
      const headerEnd = 10 + npy.readUInt16LE(8);
      assert.equal(headerEnd % 64, 0, `shape ${text}`);
      assert.equal(npy[headerEnd - 1], 0x0a);
      assert.ok(npy.toString('latin1', 10, headerEnd).includes(`'shape': ${text}, }`), `shape ${text}`);
    }
  });

  it('stores float64 input as float32, little-endian, C order', () => {
    const npy = encodeNpyFloat32(Float64Array.of(1.5, -2.25, 1e-8), [3]);
    const offset = npy.length - 12;
    assert.deepEqual([0, 1, 2].map((i) => npy.readFloatLE(offset + 4 * i)), [1.5, -2.25, Math.fround(1e-8)]);
  });

  it('rejects data that does not fill the shape', () => {
    assert.throws(() => encodeNpyFloat32(new Float32Array(5), [2, 3]), { message: 'npy shape (2, 3) holds 6 values, data has 5' });
  });
});

describe('decodeNpy', () => {
  it('reads back what encodeNpyFloat32 wrote, from any byte offset', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i) * 1e3);
    const npy = encodeNpyFloat32(data, [2, 3, 4]);
    const shifted = new Uint8Array(npy.length + 1);
    shifted.set(npy, 1);
    const back = decodeNpy(shifted.subarray(1));
    assert.deepEqual(back.shape, [2, 3, 4]);
    assert.deepEqual(back.data, data);
  });

  it('names what it cannot read', () => {
    const npy = encodeNpyFloat32(new Float32Array(4), [4]);
    assert.throws(() => decodeNpy(Buffer.from('hello world')), { message: 'not a .npy file (bad magic)' });
    assert.throws(() => decodeNpy(Buffer.from(npy.toString('latin1').replace("'<f4'", "'<f8'"), 'latin1')), { message: /dtype '<f8'/ });
    assert.throws(() => decodeNpy(npy.subarray(0, npy.length - 1)), { message: /truncated \.npy/ });
  });
});

describe('numpy reads what encodeNpyFloat32 writes', { skip: skipWithout('numpy', 'python3-numpy') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'auglens-npy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('numpy.load gives the shape, dtype and values, and numpy.save gives the same bytes', () => {
    const shape = [3, 5, 7];
    const data = Float32Array.from({ length: 105 }, (_, i) => (i - 50) / 7);
    const path = join(dir, 'a.npy');
    writeFileSync(path, encodeNpyFloat32(data, shape));
    const script = `
import sys, io, numpy as np
a = np.load(sys.argv[1])
expected = ((np.arange(105, dtype=np.float64) - 50) / 7).astype(np.float32).reshape(3, 5, 7)
buf = io.BytesIO(); np.save(buf, expected)
print(a.dtype, a.shape, bool(np.array_equal(a, expected)), buf.getvalue() == open(sys.argv[1], 'rb').read())`;
    const out = runPython(pythonWith('numpy')!, script, [path]).toString().trim();
    assert.equal(out, 'float32 (3, 5, 7) True True');
  });
});
