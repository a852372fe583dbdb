import { floatsToHalf, halfToFloats } from '../float16';
import { externalDataRef, isExternal, readExternalData } from './external';
import { DataType, dataTypeName, type TensorProto } from './types';

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/**
 * The little-endian bytes of a tensor stored as raw_data or externally (relative to baseDir, the model's folder),
 * or undefined when its values are in the typed fields (float_data, int32_data, ...).
 */
export function tensorRawBytes(t: TensorProto, baseDir?: string): Uint8Array | undefined {
  if (isExternal(t)) {
    if (baseDir === undefined) throw new Error(`tensor '${t.name}' is stored externally: its model folder is needed`);
    return readExternalData(externalDataRef(t, baseDir));
  }
  return t.raw_data !== undefined && t.raw_data.length > 0 ? t.raw_data : undefined;
}

/**
 * A copy of the bytes in a fresh buffer, aligned for typed arrays: decoded raw_data is a view into the file's
 * buffer (a Node Buffer, whose slice() does not copy), possibly at an unaligned offset.
 */
function aligned(bytes: Uint8Array, count: number, elementBytes: number, name: string | undefined): ArrayBuffer {
  if (bytes.length !== count * elementBytes) {
    throw new Error(`tensor '${name}' has ${bytes.length} data bytes, expected ${count} x ${elementBytes}`);
  }
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

/** Values of a floating-point tensor (float32, float16, bfloat16, float64) as float32. */
export function tensorToFloat32(t: TensorProto, baseDir?: string): Float32Array {
  const type = t.data_type ?? DataType.UNDEFINED;
  const count = elementCount(t.dims);
  const raw = tensorRawBytes(t, baseDir);
  switch (type) {
    case DataType.FLOAT:
      return raw ? new Float32Array(aligned(raw, count, 4, t.name)) : Float32Array.from(t.float_data ?? []);
    case DataType.DOUBLE:
      return Float32Array.from(raw ? new Float64Array(aligned(raw, count, 8, t.name)) : (t.double_data ?? []));
    case DataType.FLOAT16:
      return halfToFloats(raw ? new Uint16Array(aligned(raw, count, 2, t.name)) : (t.int32_data ?? []));
    case DataType.BFLOAT16: {
      const bits = raw ? new Uint16Array(aligned(raw, count, 2, t.name)) : (t.int32_data ?? []);
      return new Float32Array(Uint32Array.from(bits, (b) => (b & 0xffff) << 16).buffer);
    }
    default:
      throw new Error(`tensor '${t.name}' is ${dataTypeName(type)}, not a floating-point type`);
  }
}

/** Values of an integer or bool tensor as numbers (int64 beyond 2^53 loses precision; shapes and axes never do). */
export function tensorToIntegers(t: TensorProto, baseDir?: string): number[] {
  const type = t.data_type ?? DataType.UNDEFINED;
  const count = elementCount(t.dims);
  const raw = tensorRawBytes(t, baseDir);
  const fromRaw = (bytes: number, view: (b: ArrayBuffer) => ArrayLike<number | bigint>): number[] =>
    Array.from(view(aligned(raw!, count, bytes, t.name)), Number);
  switch (type) {
    case DataType.INT64:
      return raw ? fromRaw(8, (b) => new BigInt64Array(b)) : (t.int64_data ?? []).map(Number);
    case DataType.UINT64:
      return raw ? fromRaw(8, (b) => new BigUint64Array(b)) : (t.uint64_data ?? []).map(Number);
    case DataType.UINT32:
      return raw ? fromRaw(4, (b) => new Uint32Array(b)) : (t.uint64_data ?? []).map(Number);
    case DataType.INT32:
      return raw ? fromRaw(4, (b) => new Int32Array(b)) : [...(t.int32_data ?? [])];
    case DataType.INT16:
      return raw ? fromRaw(2, (b) => new Int16Array(b)) : [...(t.int32_data ?? [])];
    case DataType.UINT16:
      return raw ? fromRaw(2, (b) => new Uint16Array(b)) : [...(t.int32_data ?? [])];
    case DataType.INT8:
      return raw ? fromRaw(1, (b) => new Int8Array(b)) : [...(t.int32_data ?? [])];
    case DataType.UINT8:
    case DataType.BOOL:
      return raw ? fromRaw(1, (b) => new Uint8Array(b)) : [...(t.int32_data ?? [])];
    default:
      throw new Error(`tensor '${t.name}' is ${dataTypeName(type)}, not an integer type`);
  }
}

/** A float32 or float16 tensor with its values in raw_data. */
export function floatTensor(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
  dtype: 'float32' | 'float16' = 'float32',
): TensorProto {
  if (values.length !== elementCount(dims)) {
    throw new Error(`tensor '${name}': ${values.length} values for shape [${dims.join(', ')}]`);
  }
  const data = dtype === 'float16' ? floatsToHalf(values) : Float32Array.from(values);
  return {
    name,
    dims: [...dims],
    data_type: dtype === 'float16' ? DataType.FLOAT16 : DataType.FLOAT,
    raw_data: new Uint8Array(data.buffer),
  };
}

/** An int64 tensor (shapes, axes, pads) with its values in raw_data. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  if (values.length !== elementCount(dims)) {
    throw new Error(`tensor '${name}': ${values.length} values for shape [${dims.join(', ')}]`);
  }
  const data = BigInt64Array.from(values, (v) => BigInt(v));
  return { name, dims: [...dims], data_type: DataType.INT64, raw_data: new Uint8Array(data.buffer) };
}
