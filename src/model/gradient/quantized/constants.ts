import { tensorAttribute } from '../../onnx/attributes';
import { elementCount, tensorToFloat32, tensorToIntegers } from '../../onnx/tensor';
import { DataType, type GraphProto, type TensorProto } from '../../onnx/types';
import { RuleError } from '../unsupported';

/** Code ranges of the integer types quantized tensors use (a missing zero point means uint8). */
const CODE_RANGES = new Map<number, readonly [number, number]>([
  [DataType.UINT8, [0, 255]],
  [DataType.INT8, [-128, 127]],
  [DataType.UINT16, [0, 65535]],
  [DataType.INT16, [-32768, 32767]],
]);

/** Quantization parameters read from constants: per tensor (one value) or along one axis. */
export interface QuantParams {
  readonly scale: Float32Array;
  readonly zeroPoint: readonly number[];
  /** The codes' element type and range, from the zero point's type. */
  readonly type: number;
  readonly range: readonly [number, number];
}

/** The graph's constant tensors by name: initializers and the values of Constant nodes. */
export function graphConstants(graph: GraphProto): Map<string, TensorProto> {
  const constants = new Map<string, TensorProto>();
  for (const t of graph.initializer) constants.set(t.name!, t);
  for (const n of graph.node) {
    if (n.op_type === 'Constant' && n.attribute.some((a) => a.name === 'value')) constants.set(n.output[0], tensorAttribute(n, 'value'));
  }
  return constants;
}

/** Scale and zero point (optional: zero, uint8) of a quantizer, which must be constants. */
export function quantParams(constants: ReadonlyMap<string, TensorProto>, scaleName: string, zeroPointName: string | undefined): QuantParams {
  const scale = constants.get(scaleName);
  if (!scale) throw new RuleError(`scale '${scaleName}' is computed at run time (dynamic quantization)`);
  if (scale.data_type !== DataType.FLOAT) throw new RuleError(`scale '${scaleName}' is not float32: the float twin is float32`);
  const values = tensorToFloat32(scale);
  if (!zeroPointName) return { scale: values, zeroPoint: Array.from(values, () => 0), type: DataType.UINT8, range: CODE_RANGES.get(DataType.UINT8)! };
  const zeroPoint = constants.get(zeroPointName);
  if (!zeroPoint) throw new RuleError(`zero point '${zeroPointName}' is computed at run time (dynamic quantization)`);
  const range = CODE_RANGES.get(zeroPoint.data_type ?? 0);
  if (!range) throw new RuleError(`zero point '${zeroPointName}' is not an 8- or 16-bit integer`);
  const zeros = tensorToIntegers(zeroPoint);
  if (zeros.length !== values.length) throw new RuleError(`scale '${scaleName}' and zero point '${zeroPointName}' differ in length`);
  return { scale: values, zeroPoint: zeros, type: zeroPoint.data_type!, range };
}

export interface TensorQuant {
  readonly scale: number;
  readonly zeroPoint: number;
  readonly type: number;
  readonly range: readonly [number, number];
}

/** One scale and zero point: activations are quantized per tensor. */
export function perTensor(params: QuantParams, what: string): TensorQuant {
  if (params.scale.length !== 1) throw new RuleError(`${what} is quantized per channel (${params.scale.length} scales)`);
  return { scale: params.scale[0], zeroPoint: params.zeroPoint[0], type: params.type, range: params.range };
}

/** Integer element types by signedness and width: a Cast between them keeps every value when it widens. */
const INTEGER_TYPES = new Map<number, { signed: boolean; bits: number }>([
  [DataType.UINT8, { signed: false, bits: 8 }],
  [DataType.INT8, { signed: true, bits: 8 }],
  [DataType.UINT16, { signed: false, bits: 16 }],
  [DataType.INT16, { signed: true, bits: 16 }],
  [DataType.UINT32, { signed: false, bits: 32 }],
  [DataType.INT32, { signed: true, bits: 32 }],
  [DataType.INT64, { signed: true, bits: 64 }],
]);

/** Whether casting integers of one type to another keeps every value (the same type, or a wider one). */
export function keepsValues(from: number, to: number): boolean {
  const a = INTEGER_TYPES.get(from);
  const b = INTEGER_TYPES.get(to);
  if (!a || !b) return false;
  return from === to || (b.bits > a.bits && (b.signed || !a.signed));
}

/**
 * The real values (q - zeroPoint) scale of a constant integer tensor in float32, as DequantizeLinear computes them:
 * per tensor, or along `axis` when the parameters have one value per index of that axis.
 */
export function dequantized(codes: TensorProto, params: Pick<QuantParams, 'scale' | 'zeroPoint'>, axis: number): Float32Array {
  const dims = codes.dims;
  const q = tensorToIntegers(codes);
  const { scale, zeroPoint } = params;
  if (scale.length !== 1 && scale.length !== dims[axis]) {
    throw new RuleError(`'${codes.name}' has ${scale.length} scales for an axis of ${dims[axis]}`);
  }
  const inner = scale.length === 1 ? q.length : elementCount(dims.slice(axis + 1));
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) {
    const k = scale.length === 1 ? 0 : Math.floor(i / inner) % scale.length;
    out[i] = Math.fround((q[i] - zeroPoint[k]) * scale[k]);
  }
  return out;
}
