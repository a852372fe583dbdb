/**
 * NumPy .npy files (format version 1.0) of little-endian float32 in C order, byte for byte as `numpy.save`
 * writes them: magic, version, header length, the header dict followed by numpy's spare space for growing the
 * first axis, padded with spaces and a final newline to a multiple of 64 bytes, then the raw data.
 * (Typed arrays use the host's byte order; every platform Node supports is little-endian.)
 */
const MAGIC = [0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0))];
const PREAMBLE_LENGTH = MAGIC.length + 2 + 2; // magic, version (2 bytes), header length (uint16)
const ALIGNMENT = 64;
/** numpy leaves room for the first dimension to grow to this many digits (numpy/lib/format.py). */
const GROWTH_AXIS_MAX_DIGITS = 21;

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export function encodeNpyFloat32(data: Float32Array | Float64Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`invalid npy shape (${shape.join(', ')})`);
  if (count !== data.length) throw new Error(`npy shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`);
  const header = npyHeader(shape);
  const out = Buffer.alloc(PREAMBLE_LENGTH + header.length + 4 * count);
  out.set(MAGIC, 0);
  out[MAGIC.length] = 1;
  out[MAGIC.length + 1] = 0;
  out.writeUInt16LE(header.length, MAGIC.length + 2);
  out.write(header, PREAMBLE_LENGTH, 'latin1');
  const floats = data instanceof Float32Array ? data : Float32Array.from(data);
  out.set(new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength), PREAMBLE_LENGTH + header.length);
  return out;
}

function npyHeader(shape: readonly number[]): string {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (shape.length > 0) header += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  const unpadded = PREAMBLE_LENGTH + header.length + 1;
  return header + ' '.repeat(ALIGNMENT - (unpadded % ALIGNMENT)) + '\n';
}

/** Reads a .npy file holding little-endian float32 in C order (format versions 1, 2 and 3). */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new Error('not a .npy file (bad magic)');
  const major = bytes[MAGIC.length];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw new Error(`unsupported .npy format version ${major}`);
  const headerStart = MAGIC.length + 2 + lengthBytes;
  const headerLength = lengthBytes === 2 ? view.getUint16(MAGIC.length + 2, true) : view.getUint32(MAGIC.length + 2, true);
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`malformed .npy header: ${header.trim()}`);
  if (descr !== '<f4') throw new Error(`unsupported .npy dtype '${descr}' (only little-endian float32 '<f4')`);
  if (fortran !== 'False') throw new Error('unsupported .npy layout: Fortran order');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart + 4 * count) throw new Error(`truncated .npy: ${count} float32 values need ${dataStart + 4 * count} bytes, file has ${bytes.length}`);
  // Copy (new Uint8Array(view) copies; Buffer#slice would not) so that the floats are 4-byte aligned.
  const data = new Float32Array(new Uint8Array(bytes.subarray(dataStart, dataStart + 4 * count)).buffer);
  return { shape, data };
}
