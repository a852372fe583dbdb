import type * as Ort from 'onnxruntime-node';
import { ort } from './ort';
import { floatsToHalf, halfToFloats } from './float16';

export type ModelDtype = 'float32' | 'float16';

/** An onnxruntime input tensor from float32 values; float16 travels as a Uint16Array of half bits. */
export function toOrtTensor(values: Float32Array, dtype: ModelDtype, dims: readonly number[]): Ort.Tensor {
  return dtype === 'float16' ? new (ort().Tensor)('float16', floatsToHalf(values), dims) : new (ort().Tensor)('float32', values, dims);
}

/** An onnxruntime float tensor's values as float32 (float16 arrives as half bits in a Uint16Array). */
export function fromOrtTensor(tensor: Ort.Tensor): Float32Array {
  const data = tensor.data;
  if (tensor.type === 'float16' && data instanceof Uint16Array) return halfToFloats(data);
  if (tensor.type === 'float32' && data instanceof Float32Array) return data;
  if (tensor.type === 'float16' || tensor.type === 'float64') return Float32Array.from(data as ArrayLike<number>);
  throw new Error(`output is ${tensor.type}, expected float32 or float16`);
}
