import { createRng } from '../../../../src/core/rng';
import { attr } from '../../../../src/model/onnx/attributes';
import { GraphBuilder } from '../../../../src/model/onnx/builder';
import { floatTensor } from '../../../../src/model/onnx/tensor';
import { DataType, type ModelProto, type TensorProto } from '../../../../src/model/onnx/types';

export const [C, H, W, K] = [3, 8, 8, 5];

type IntType = 'uint8' | 'int8' | 'int32';

const ARRAYS = { uint8: Uint8Array, int8: Int8Array, int32: Int32Array };
const CODES = { uint8: DataType.UINT8, int8: DataType.INT8, int32: DataType.INT32 };

function intTensor(name: string, type: IntType, dims: readonly number[], values: readonly number[]): TensorProto {
  const data = ARRAYS[type].from(values);
  return { name, dims: [...dims], data_type: CODES[type], raw_data: new Uint8Array(data.buffer) };
}

/** A quantized test graph: input 'x' [N, C, H, W], integer and float constants from one random stream. */
class QuantGraph {
  readonly g = new GraphBuilder().input('x', 'float32', ['N', C, H, W]);
  private readonly rng = createRng(2022);
  private readonly contribOutputs = new Set<string>();
  private count = 0;

  name(hint: string): string {
    return `${hint}${this.count++}`;
  }

  scale(values: number | readonly number[]): string {
    const v = typeof values === 'number' ? [values] : values;
    const name = this.name('s');
    this.g.initializer(floatTensor(name, typeof values === 'number' ? [] : [v.length], v));
    return name;
  }

  zero(type: IntType, values: number | readonly number[]): string {
    const v = typeof values === 'number' ? [values] : values;
    const name = this.name('z');
    this.g.initializer(intTensor(name, type, typeof values === 'number' ? [] : [v.length], v));
    return name;
  }

  /** Random integer codes in [lo, hi]. */
  codes(type: IntType, dims: readonly number[], lo: number, hi: number): string {
    const n = dims.reduce((a, d) => a * d, 1);
    const name = this.name('w');
    this.g.initializer(intTensor(name, type, dims, Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * this.rng.next()))));
    return name;
  }

  floats(dims: readonly number[], scale: number): string {
    const n = dims.reduce((a, d) => a * d, 1);
    const name = this.name('f');
    this.g.initializer(floatTensor(name, dims, Array.from({ length: n }, () => scale * (2 * this.rng.next() - 1))));
    return name;
  }

  op(type: string, inputs: readonly string[], attributes: Parameters<GraphBuilder['node']>[3] = {}): string {
    const out = this.name('t');
    this.g.node(type, inputs, [out], attributes);
    return out;
  }

  /** A contrib operator (com.microsoft). */
  contrib(type: string, inputs: readonly string[], attributes: Parameters<GraphBuilder['node']>[3] = {}): string {
    const out = this.op(type, inputs, attributes);
    this.contribOutputs.add(out);
    return out;
  }

  build(output: string): ModelProto {
    const m = this.g.output(output, 'float32', ['N', K]).build({ opset: 13, irVersion: 7 });
    const node = m.graph!.node.map((n) => (this.contribOutputs.has(n.output[0]) ? { ...n, domain: 'com.microsoft' } : n));
    return { ...m, opset_import: [...m.opset_import, { domain: 'com.microsoft', version: 1 }], graph: { ...m.graph!, node } };
  }
}

export interface QLinearOptions {
  /** ReLU fused into the first convolution's quantizer (zero point 0) and tight output ranges, or ranges nothing reaches. */
  readonly clipping: boolean;
  readonly maxPool: boolean;
  readonly softmax: boolean;
}

const conv = { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) };

/**
 * The QOperator format onnxruntime's quantizer emits: QuantizeLinear -> QLinearConv -> (MaxPool on codes) ->
 * QLinearConv -> QLinearAdd (residual) -> QLinearGlobalAveragePool -> Flatten on codes -> QLinearMatMul ->
 * DequantizeLinear (-> Softmax). Six activation quantizers.
 */
export function qlinearModel(o: QLinearOptions): ModelProto {
  const q = new QuantGraph();
  const wide = o.clipping ? 1 : 2;
  const [sx, zx] = o.clipping ? [1 / 255, 0] : [2 / 255, 128];
  const xs = q.scale(sx);
  const xz = q.zero('uint8', zx);
  const x = q.op('QuantizeLinear', ['x', xs, xz]);
  const w1scales = [0.003, 0.0025, 0.002, 0.0035];
  const w1s = q.scale(w1scales);
  const w1z = q.zero('int8', [0, 0, 0, 0]);
  const s1 = q.scale((3 * wide) / 255);
  const z1 = q.zero('uint8', o.clipping ? 0 : 128);
  const b1 = q.codes('int32', [4], -3000, 3000);
  const y1 = q.op('QLinearConv', [x, xs, xz, q.codes('int8', [4, C, 3, 3], -127, 127), w1s, w1z, s1, z1, b1], conv);
  const pooled = o.maxPool ? q.op('MaxPool', [y1], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }) : y1;
  const s2 = q.scale((2 * wide) / 255);
  const z2 = q.zero('uint8', 128);
  const y2 = q.op('QLinearConv', [pooled, s1, z1, q.codes('int8', [4, 4, 3, 3], -127, 127), q.scale(0.002), q.zero('int8', 0), s2, z2], conv);
  const s3 = q.scale((4 * wide) / 255);
  const z3 = q.zero('uint8', o.clipping ? 40 : 128);
  const sum = q.contrib('QLinearAdd', [pooled, s1, z1, y2, s2, z2, s3, z3]);
  const s4 = q.scale((2 * wide) / 255);
  const z4 = q.zero('uint8', o.clipping ? 40 : 128);
  const gap = q.contrib('QLinearGlobalAveragePool', [sum, s3, z3, s4, z4]);
  const flat = q.op('Flatten', [gap]);
  const s5 = q.scale((8 * wide) / 255);
  const z5 = q.zero('uint8', 128);
  const logits = q.op('QLinearMatMul', [flat, s4, z4, q.codes('int8', [4, K], -127, 127), q.scale([0.02, 0.03, 0.025, 0.02, 0.03]), q.zero('int8', [0, 0, 0, 0, 0]), s5, z5]);
  const out = q.op('DequantizeLinear', [logits, s5, z5]);
  return q.build(o.softmax ? q.op('Softmax', [out], { axis: attr.int(1) }) : out);
}

/**
 * The other QOperator operators onnxruntime's quantizer emits: QuantizeLinear -> QLinearConv -> QLinearLeakyRelu ->
 * QLinearAveragePool -> QLinearSigmoid, QLinearConcat of the pooled and the sigmoid codes -> QLinearGlobalAveragePool
 * -> Flatten -> QGemm with a float output -> Softmax. Seven activation quantizers.
 */
export function qlinearExtrasModel(): ModelProto {
  const q = new QuantGraph();
  const tensor = (scale: number, zero: number): [string, string] => [q.scale(scale), q.zero('uint8', zero)];
  const x = tensor(1 / 255, 0);
  const codes = q.op('QuantizeLinear', ['x', ...x]);
  const y1 = tensor(4 / 255, 128);
  const conv1 = q.op('QLinearConv', [codes, ...x, q.codes('int8', [4, C, 3, 3], -127, 127), q.scale(0.003), q.zero('int8', 0), ...y1], conv);
  const y2 = tensor(3 / 255, 100);
  const leaky = q.contrib('QLinearLeakyRelu', [conv1, ...y1, ...y2], { alpha: attr.float(0.1) });
  const y3 = tensor(3 / 255, 100);
  const pooled = q.contrib('QLinearAveragePool', [leaky, ...y2, ...y3], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
  const y4 = tensor(1 / 255, 0);
  const sigmoid = q.contrib('QLinearSigmoid', [pooled, ...y3, ...y4]);
  const y5 = tensor(2 / 255, 64);
  const joined = q.contrib('QLinearConcat', [...y5, pooled, ...y3, sigmoid, ...y4], { axis: attr.int(1) });
  const y6 = tensor(1 / 255, 0);
  const gap = q.contrib('QLinearGlobalAveragePool', [joined, ...y5, ...y6]);
  const bScales = [0.02, 0.03, 0.025, 0.02, 0.03];
  const logits = q.contrib(
    'QGemm',
    [q.op('Flatten', [gap]), ...y6, q.codes('int8', [K, 8], -127, 127), q.scale(bScales), q.zero('int8', [0, 0, 0, 0, 0]), q.codes('int32', [K], -2000, 2000)],
    { transB: attr.int(1) },
  );
  return q.build(q.op('Softmax', [logits], { axis: attr.int(1) }));
}

/**
 * The QDQ format: DequantizeLinear on int8 weights (per channel) and int32 biases, QuantizeLinear/DequantizeLinear
 * pairs on activations around float Conv, Relu, GlobalAveragePool and Gemm, then Softmax. Three activation quantizers.
 */
export function qdqModel(): ModelProto {
  const q = new QuantGraph();
  // torch's exporter puts a Cast to the codes' own type between the pair: the second pair has one.
  let pairs = 0;
  const qdq = (t: string, scale: number, zero: number): string => {
    const s = q.scale(scale);
    const z = q.zero('uint8', zero);
    const codes = q.op('QuantizeLinear', [t, s, z]);
    const cast = pairs++ === 1 ? q.op('Cast', [codes], { to: attr.int(DataType.UINT8) }) : codes;
    return q.op('DequantizeLinear', [cast, s, z]);
  };
  const sx = 1 / 255;
  const x = qdq('x', sx, 0);
  const w1scales = [0.003, 0.0025, 0.002, 0.0035];
  const w1 = q.op('DequantizeLinear', [q.codes('int8', [4, C, 3, 3], -127, 127), q.scale(w1scales), q.zero('int8', [0, 0, 0, 0])], { axis: attr.int(0) });
  const bscales = w1scales.map((s) => Math.fround(sx) * s);
  const b1 = q.op('DequantizeLinear', [q.codes('int32', [4], -3000, 3000), q.scale(bscales), q.zero('int32', [0, 0, 0, 0])], { axis: attr.int(0) });
  const y1 = qdq(q.op('Relu', [q.op('Conv', [x, w1, b1], conv)]), 3 / 255, 0);
  const w2 = q.op('DequantizeLinear', [q.codes('int8', [4, 4, 3, 3], -127, 127), q.scale(0.002), q.zero('int8', 0)]);
  const y2 = qdq(q.op('Conv', [y1, w2, q.floats([4], 0.2)], conv), 2 / 255, 128);
  const flat = q.op('Flatten', [q.op('GlobalAveragePool', [y2])]);
  const wfc = q.op('DequantizeLinear', [q.codes('int8', [K, 4], -127, 127), q.scale(0.03), q.zero('int8', 0)]);
  const logits = q.op('Gemm', [flat, wfc, q.floats([K], 0.5)], { transB: attr.int(1) });
  return q.build(q.op('Softmax', [logits], { axis: attr.int(1) }));
}

/**
 * Integer operators: QuantizeLinear -> ConvInteger -> Cast -> Mul (scales) -> Relu -> QuantizeLinear -> Flatten ->
 * MatMulInteger -> Cast -> Mul -> Softmax. Two activation quantizers.
 */
export function integerModel(): ModelProto {
  const q = new QuantGraph();
  const sx = 1 / 255;
  const xz = q.zero('uint8', 0);
  const x = q.op('QuantizeLinear', ['x', q.scale(sx), xz]);
  const ws = 0.003;
  const acc = q.op('ConvInteger', [x, q.codes('uint8', [4, C, 3, 3], 0, 255), xz, q.zero('uint8', 128)], conv);
  const y1 = q.op('Relu', [q.op('Mul', [q.op('Cast', [acc], { to: attr.int(DataType.FLOAT) }), q.scale(Math.fround(sx) * ws)])]);
  const s1 = 2 / 255;
  const z1 = q.zero('uint8', 0);
  const flat = q.op('Flatten', [q.op('QuantizeLinear', [y1, q.scale(s1), z1])]);
  const wfc = q.codes('uint8', [4 * H * W, K], 0, 255);
  const product = q.op('MatMulInteger', [flat, wfc, z1, q.zero('uint8', 128)]);
  const logits = q.op('Mul', [q.op('Cast', [product], { to: attr.int(DataType.FLOAT) }), q.scale(Math.fround(s1) * 0.002)]);
  return q.build(q.op('Softmax', [logits], { axis: attr.int(1) }));
}

/** Dynamic quantization, which the straight-through rule does not cover: DynamicQuantizeLinear -> MatMulInteger. */
export function dynamicModel(): ModelProto {
  const q = new QuantGraph();
  const flat = q.op('Flatten', ['x']);
  const dq = q.name('t');
  const [codes, scale, zero] = [dq, `${dq}_scale`, `${dq}_zero`];
  q.g.node('DynamicQuantizeLinear', [flat], [codes, scale, zero]);
  const product = q.op('MatMulInteger', [codes, q.codes('uint8', [C * H * W, K], 0, 255), zero, q.zero('uint8', 128)]);
  const logits = q.op('Mul', [q.op('Cast', [product], { to: attr.int(DataType.FLOAT) }), scale]);
  return q.build(logits);
}

/**
 * Two quantizers and a sum: QuantizeLinear (scale 0.1, zero point 0) -> QLinearAdd of a zero constant, requantized
 * with the same parameters, or DequantizeLinear straight away -> Flatten -> MatMul by ones (every logit the sum of
 * the pixels).
 */
export function maskModel(qlinear: boolean): ModelProto {
  const q = new QuantGraph();
  const [s, z] = [q.scale(0.1), q.zero('uint8', 0)];
  let codes = q.op('QuantizeLinear', ['x', s, z]);
  if (qlinear) codes = q.contrib('QLinearAdd', [codes, s, z, q.zero('uint8', 0), s, z, s, z]);
  const flat = q.op('Flatten', [q.op('DequantizeLinear', [codes, s, z])]);
  const ones = q.name('f');
  q.g.initializer(floatTensor(ones, [C * H * W, K], new Array<number>(C * H * W * K).fill(1)));
  return q.build(q.op('MatMul', [flat, ones]));
}
