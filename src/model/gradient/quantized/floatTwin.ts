import { attr, intAttribute } from '../../onnx/attributes';
import { node as makeNode } from '../../onnx/builder';
import { opsetVersion, runtimeInputs } from '../../onnx/graph';
import { floatTensor, tensorToIntegers } from '../../onnx/tensor';
import { DataType, type ModelProto, type NodeProto, type TensorProto } from '../../onnx/types';
import { GradientUnsupportedError, nodeLabel, RuleError, type UnsupportedNode } from '../unsupported';
import { dequantized, graphConstants, keepsValues, perTensor, quantParams, type QuantParams, type TensorQuant } from './constants';

/** Operators only quantized models use: a model with any of them is differentiated through its float twin. */
const QUANTIZED_OPS = new Set([
  'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'QLinearConv', 'QLinearMatMul', 'QLinearAdd', 'QLinearMul',
  'QLinearGlobalAveragePool', 'QLinearAveragePool', 'QLinearSigmoid', 'QLinearLeakyRelu', 'QLinearConcat', 'QGemm', 'MatMulInteger',
  'ConvInteger',
]);

/** Operators that move or select codes without arithmetic: on real values they do the same (scales are positive). */
const CODE_TRANSPARENT = new Set(['MaxPool', 'GlobalMaxPool', 'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Identity', 'Concat']);

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE, DataType.BFLOAT16]);

export function isQuantized(proto: ModelProto): boolean {
  return proto.graph!.node.some((n) => QUANTIZED_OPS.has(n.op_type ?? ''));
}

/** Every value a node reads, with the outer values its subgraphs use. */
function valuesRead(n: NodeProto): string[] {
  return [...n.input, ...n.attribute.flatMap((a) => [a.g, ...(a.graphs ?? [])].flatMap((g) => (g ? g.node.flatMap(valuesRead) : [])))];
}

/** An active tensor of integer codes q: its twin holds the real value scale (q - zeroPoint). */
interface Codes {
  readonly twin: string;
  readonly scale: number;
  readonly zeroPoint: number;
  /** The codes' element type. */
  readonly type: number;
}

/** How the quantized model's run computes a twin tensor: nodes appended to it, with their constants. */
export interface Exposure {
  readonly nodes: readonly NodeProto[];
  readonly initializers: readonly TensorProto[];
}

export interface FloatTwin {
  /**
   * The float model the quantized one encodes: weights and biases dequantized, each activation quantizer a Clip to
   * its real range (the rounding dropped), QLinear and integer operators their float operators. Input and output
   * names are the quantized model's; float tensors keep their names, integer codes q become real tensors (q/real).
   */
  readonly model: ModelProto;
  /** Activation quantizers on the way to the output: QuantizeLinear nodes and requantized outputs of QLinear operators. */
  readonly quantizers: number;
  /** Twin tensors of the quantized model's codes, each computed from the codes (the real values at its own run). */
  readonly exposures: ReadonlyMap<string, Exposure>;
}

/**
 * The float twin of a quantized model (throws GradientUnsupportedError naming the nodes it cannot rewrite). Its
 * gradient under the existing float rules, fed the quantized model's own activations (quantizedForward), is the
 * straight-through estimate: rounding counts as the identity, and a quantizer passes the gradient only inside its
 * range (Clip's rule), so a saturated or ReLU-fused (zero point at the range's end) activation stops it as the
 * quantized model does (see quantize for where the range ends).
 */
export function floatTwin(proto: ModelProto): FloatTwin {
  return new TwinBuilder(proto).build();
}

class TwinBuilder {
  private readonly graph;
  private readonly opset: number;
  private readonly constants: Map<string, TensorProto>;
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly active = new Set<string>();
  private readonly failed = new Set<string>();
  private readonly codes = new Map<string, Codes>();
  private readonly exposures = new Map<string, Exposure>();
  private readonly unsupported: UnsupportedNode[] = [];
  private readonly taken = new Set<string>();
  /** Every tensor name of the quantized model. */
  private readonly original: ReadonlySet<string>;
  /** Twin outputs of the activation quantizers. */
  private readonly quantizers = new Set<string>();

  constructor(private readonly proto: ModelProto) {
    this.graph = proto.graph!;
    this.opset = opsetVersion(proto) ?? 1;
    this.constants = graphConstants(this.graph);
    for (const v of [...this.graph.input, ...this.graph.output]) this.taken.add(v.name!);
    for (const t of this.graph.initializer) this.taken.add(t.name!);
    for (const n of this.graph.node) for (const out of n.output) this.taken.add(out);
    this.original = new Set(this.taken);
    const input = runtimeInputs(this.graph)[0]?.name;
    if (input) this.active.add(input);
  }

  build(): FloatTwin {
    this.graph.node.forEach((n, index) => this.visit(n, index));
    this.graph.node.forEach((n, index) => {
      if (this.graph.output.some((o) => o.name === n.output[0] && this.codes.has(o.name))) {
        this.unsupported.push({ op: n.op_type ?? '', node: nodeLabel(n, index), reason: 'the model output is quantized codes' });
      }
    });
    if (this.unsupported.length > 0) throw new GradientUnsupportedError(this.unsupported);
    // The codes' weights and quantization parameters the twin no longer reads are left out, with the nodes making them.
    const read = new Set(this.graph.output.map((o) => o.name!));
    const node: NodeProto[] = [];
    for (const n of [...this.nodes].reverse()) {
      if (!n.output.some((out) => read.has(out))) continue;
      node.unshift(n);
      for (const name of valuesRead(n)) read.add(name);
    }
    const initializer = [...this.graph.initializer, ...this.initializers].filter((t) => read.has(t.name!));
    const model: ModelProto = { ...this.proto, graph: { ...this.graph, node, initializer, value_info: [] } };
    const quantizers = node.filter((n) => this.quantizers.has(n.output[0])).length;
    return { model, quantizers, exposures: this.exposures };
  }

  private visit(n: NodeProto, index: number): void {
    const reads = n.input.filter((name) => name && this.active.has(name));
    if (reads.length === 0) {
      this.nodes.push(n);
      return;
    }
    for (const out of n.output) if (out) this.active.add(out);
    if (reads.some((name) => this.failed.has(name))) {
      for (const out of n.output) if (out) this.failed.add(out);
      return;
    }
    try {
      this.rewrite(n, reads);
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      this.unsupported.push({ op: n.op_type ?? '', node: nodeLabel(n, index), reason: err.message });
      for (const out of n.output) if (out) this.failed.add(out);
    }
  }

  private rewrite(n: NodeProto, reads: readonly string[]): void {
    const op = n.op_type ?? '';
    const [i0, i1, i2, i3, i4, i5, i6, i7, i8] = n.input;
    switch (op) {
      case 'QuantizeLinear': {
        const p = perTensor(this.params(i1, i2), 'the quantizer');
        this.quantize(n.output[0], this.floatOf(i0), p);
        return;
      }
      case 'DequantizeLinear': {
        const p = perTensor(this.params(i1, i2), 'the dequantized tensor');
        this.readAs(i0, p.scale, p.zeroPoint, n.output[0]);
        return;
      }
      case 'QLinearConv': {
        const x = this.readAs(i0, ...this.scalar(i1, i2));
        const wParams = this.params(i4, i5);
        const w = this.weight(i3, wParams, 0);
        const inputs = [x, w];
        if (i8) {
          const xs = this.scalar(i1, i2)[0];
          inputs.push(this.weight(i8, { scale: wParams.scale.map((s) => xs * s), zeroPoint: wParams.zeroPoint.map(() => 0) }, 0));
        }
        this.requantize(n.output[0], this.op('Conv', inputs, n.attribute), i6, i7);
        return;
      }
      case 'QLinearMatMul': {
        const product = this.op('MatMul', [this.operand(i0, i1, i2, -2), this.operand(i3, i4, i5, -1)]);
        this.requantize(n.output[0], product, i6, i7);
        return;
      }
      case 'QLinearAdd':
      case 'QLinearMul': {
        const sum = this.op(op === 'QLinearAdd' ? 'Add' : 'Mul', [this.operand(i0, i1, i2, -1), this.operand(i3, i4, i5, -1)]);
        this.requantize(n.output[0], sum, i6, i7);
        return;
      }
      case 'QLinearGlobalAveragePool':
      case 'QLinearAveragePool':
      case 'QLinearSigmoid':
      case 'QLinearLeakyRelu': {
        if (intAttribute(n, 'channels_last', 0) !== 0) throw new RuleError('channels_last layout has no float twin');
        const attributes = n.attribute.filter((a) => a.name !== 'channels_last');
        this.requantize(n.output[0], this.op(op.slice('QLinear'.length), [this.readAs(i0, ...this.scalar(i1, i2))], attributes), i3, i4);
        return;
      }
      case 'QLinearConcat': {
        // Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) per input.
        const parts = [];
        for (let k = 2; k < n.input.length; k += 3) parts.push(this.operand(n.input[k], n.input[k + 1], n.input[k + 2], 0));
        this.requantize(n.output[0], this.op('Concat', parts, n.attribute), i0, i1);
        return;
      }
      case 'QGemm': {
        // C is int32 with scale a_scale b_scale; without y_scale the output is float.
        const transB = intAttribute(n, 'transB', 0);
        const a = this.operand(i0, i1, i2, 0);
        const bParams = this.params(i4, i5);
        const inputs = [a, this.weight(i3, bParams, transB ? 0 : 1)];
        if (i6) {
          const as = this.scalar(i1, i2)[0];
          inputs.push(this.weight(i6, { scale: bParams.scale.map((s) => as * s), zeroPoint: bParams.zeroPoint.map(() => 0) }, -1));
        }
        const product = this.op('Gemm', inputs, n.attribute);
        if (i7) this.requantize(n.output[0], product, i7, i8);
        else this.op('Identity', [product], [], n.output[0]);
        return;
      }
      case 'MatMulInteger':
        this.accumulate(n.output[0], this.op('MatMul', [this.integerOperand(i0, i2, -2), this.integerOperand(i1, i3, -1)]));
        return;
      case 'ConvInteger':
        this.accumulate(n.output[0], this.op('Conv', [this.integerOperand(i0, i2, 0), this.integerOperand(i1, i3, 0)], n.attribute));
        return;
      case 'DynamicQuantizeLinear':
        throw new RuleError('the scale is computed from the input at run time (dynamic quantization)');
      case 'Cast': {
        const c = this.codes.get(i0);
        if (!c) break;
        const to = intAttribute(n, 'to');
        if (FLOAT_TYPES.has(to)) {
          // The codes' numbers as floats (an accumulator's, or codes dequantized by hand downstream).
          this.op('Cast', [this.readAs(i0, 1, 0)], n.attribute, n.output[0]);
        } else if (keepsValues(c.type, to)) {
          this.setCodes(n.output[0], { ...c, twin: this.op('Identity', [c.twin]), type: to });
        } else {
          throw new RuleError('casts quantized codes to a type that does not hold them all');
        }
        return;
      }
    }
    const coded = reads.filter((name) => this.codes.has(name));
    if (coded.length === 0) {
      this.nodes.push(n);
      return;
    }
    if (!CODE_TRANSPARENT.has(op)) throw new RuleError(`reads the quantized codes '${coded[0]}': no float twin for this operator on codes`);
    const data = op === 'Concat' ? n.input : [i0];
    const first = this.codes.get(i0);
    if (!first || data.some((name) => !this.sameCodes(this.codes.get(name), first))) {
      throw new RuleError(`its inputs are not all codes of one scale and zero point`);
    }
    const out = n.output[0];
    const twin = this.fresh(`${out}/real`);
    this.nodes.push({ ...n, input: n.input.map((name) => this.codes.get(name)?.twin ?? name), output: [twin, ...n.output.slice(1)] });
    this.setCodes(out, { ...first, twin });
  }

  /** Quantizer parameters, which must be constants. */
  private params(scale: string, zeroPoint: string | undefined): QuantParams {
    return quantParams(this.constants, scale, zeroPoint);
  }

  private scalar(scale: string, zeroPoint: string | undefined): [number, number] {
    const p = perTensor(this.params(scale, zeroPoint), `'${scale}'`);
    return [p.scale, p.zeroPoint];
  }

  /** A float tensor of the model under its own name. */
  private floatOf(name: string): string {
    if (this.codes.has(name)) throw new RuleError(`'${name}' holds quantized codes where a float tensor is expected`);
    return name;
  }

  /**
   * The twin of codes q read with scale s and zero point z, s (q - z): the codes' own real value when s and z are
   * theirs, else an affine map of it (named `output` when given).
   */
  private readAs(name: string, scale: number, zeroPoint: number, output?: string): string {
    const c = this.codes.get(name);
    if (!c) throw new RuleError(`'${name}' is not a quantized tensor of the model's input`);
    // s (q - z) with q = real / c.scale + c.zeroPoint.
    const gain = scale / c.scale;
    const offset = scale * (c.zeroPoint - zeroPoint);
    let value = c.twin;
    if (gain !== 1) value = this.op('Mul', [value, this.floats([gain])]);
    if (offset !== 0) value = this.op('Add', [value, this.floats([offset])]);
    return output === undefined ? value : this.op('Identity', [value], [], output);
  }

  /** An operand that is either the model's codes (read per tensor) or a constant dequantized along `axis` (negative: from the end). */
  private operand(name: string, scale: string, zeroPoint: string | undefined, axis: number): string {
    if (this.active.has(name)) return this.readAs(name, ...this.scalar(scale, zeroPoint));
    return this.weight(name, this.params(scale, zeroPoint), axis);
  }

  /** An integer operator's operand q - z as a float tensor: the model's codes (z per tensor), or a constant (z along `axis`). */
  private integerOperand(name: string, zeroPoint: string | undefined, axis: number): string {
    const zeros = zeroPoint ? this.zeroPoints(zeroPoint) : [0];
    if (!this.active.has(name)) return this.weight(name, { scale: new Float32Array(zeros.length).fill(1), zeroPoint: zeros }, axis);
    if (zeros.length !== 1) throw new RuleError(`zero point '${zeroPoint}' has one value per channel on an activation`);
    return this.readAs(name, 1, zeros[0]);
  }

  private zeroPoints(name: string): number[] {
    const t = this.constants.get(name);
    if (!t) throw new RuleError(`zero point '${name}' is computed at run time (dynamic quantization)`);
    return tensorToIntegers(t);
  }

  /** A constant integer tensor dequantized into a float32 initializer. */
  private weight(name: string, params: Pick<QuantParams, 'scale' | 'zeroPoint'>, axis: number): string {
    const codes = this.constants.get(name);
    if (!codes) throw new RuleError(`weight '${name}' is computed at run time: only constant weights are dequantized`);
    const real = dequantized(codes, params, axis < 0 ? axis + codes.dims.length : axis);
    const twin = this.fresh(`${name}/real`);
    this.initializers.push(floatTensor(twin, codes.dims, real));
    return twin;
  }

  /**
   * y = quantize(x): in the twin, x clipped to the real range of the codes. Where the quantized model computes x
   * (QuantizeLinear), the range is that of the values rounding into the codes' range (half a step wider at each
   * end), and the mask is read off x clipped to it, computed at the quantized run: the gradient passes where x
   * rounds into the range, as PyTorch's FakeQuantize lets it. Inside a QLinear operator only the code is known, and
   * the end codes count as clipped (a fused ReLU puts its zero point there).
   */
  private quantize(y: string, x: string, p: TensorQuant): void {
    const known = this.original.has(x);
    const half = known ? p.scale / 2 : 0;
    const lo = Math.fround(p.scale * (p.range[0] - p.zeroPoint) - half);
    const hi = Math.fround(p.scale * (p.range[1] - p.zeroPoint) + half);
    const twin = this.fresh(`${y}/real`);
    const clip = this.clip(x, lo, hi, known ? this.fresh(`${y}/clipped`) : twin);
    this.nodes.push(...clip.nodes);
    this.initializers.push(...clip.initializers);
    const codes = { twin, scale: p.scale, zeroPoint: p.zeroPoint, type: p.type };
    this.setCodes(y, codes);
    if (known) {
      this.op('Identity', [clip.output], [], twin);
      this.exposures.set(clip.output, clip);
    } else {
      // A float result the quantized model never computes (a QLinear operator's before requantizing) is read, where
      // a rule needs it (Sigmoid, LeakyRelu), at its quantized value: the forward value of the straight-through rule.
      this.expose(x, y, codes);
    }
    this.quantizers.add(twin);
  }

  /** Clip(x, lo, hi) at the model's opset: bounds as attributes before 11, as inputs after. */
  private clip(x: string, lo: number, hi: number, output: string): Exposure & { readonly output: string } {
    if (this.opset < 11) {
      const attributes = { min: attr.float(lo), max: attr.float(hi) };
      return { output, nodes: [makeNode('Clip', [x], [output], attributes, output)], initializers: [] };
    }
    const [min, max] = [this.fresh(`${output}/min`), this.fresh(`${output}/max`)];
    return {
      output,
      nodes: [makeNode('Clip', [x, min, max], [output], {}, output)],
      initializers: [floatTensor(min, [], [lo]), floatTensor(max, [], [hi])],
    };
  }

  /** A QLinear operator's output: its float result quantized with the output scale and zero point. */
  private requantize(y: string, value: string, scale: string, zeroPoint: string | undefined): void {
    this.quantize(y, value, perTensor(this.params(scale, zeroPoint), `output '${y}'`));
  }

  /** An integer accumulator (MatMulInteger, ConvInteger): exact in int32, its twin holds the same numbers. */
  private accumulate(y: string, value: string): void {
    this.setCodes(y, { twin: value, scale: 1, zeroPoint: 0, type: DataType.INT32 });
  }

  /** Records codes and how the quantized run computes their twin. */
  private setCodes(name: string, c: Codes): void {
    this.codes.set(name, c);
    this.expose(c.twin, name, c);
  }

  /** How the quantized run computes `output` from codes: Cast, minus the zero point, times the scale. */
  private expose(output: string, name: string, c: Codes): void {
    const initializers: TensorProto[] = [];
    const nodes: NodeProto[] = [];
    const constant = (value: number): string => {
      const t = this.fresh(`${output}/const`);
      initializers.push(floatTensor(t, [], [value]));
      return t;
    };
    let value = this.fresh(`${output}/float`);
    nodes.push(makeNode('Cast', [name], [value], { to: attr.int(DataType.FLOAT) }, value));
    if (c.zeroPoint !== 0) {
      const next = this.fresh(`${output}/centred`);
      nodes.push(makeNode('Sub', [value, constant(c.zeroPoint)], [next], {}, next));
      value = next;
    }
    nodes.push(makeNode(c.scale === 1 ? 'Identity' : 'Mul', c.scale === 1 ? [value] : [value, constant(c.scale)], [output], {}, output));
    this.exposures.set(output, { nodes, initializers });
  }

  private sameCodes(a: Codes | undefined, b: Codes): boolean {
    return !!a && a.scale === b.scale && a.zeroPoint === b.zeroPoint && a.type === b.type;
  }

  private op(type: string, inputs: readonly string[], attributes: NodeProto['attribute'] = [], output?: string): string {
    const name = output ?? this.fresh(`${type}`);
    this.nodes.push({ op_type: type, input: [...inputs], output: [name], name, domain: '', attribute: attributes.map((a) => ({ ...a })) });
    return name;
  }

  private floats(values: readonly number[], dims: readonly number[] = []): string {
    const name = this.fresh('quant/const');
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  private fresh(hint: string): string {
    let name = hint;
    for (let k = 1; this.taken.has(name); k++) name = `${hint}_${k}`;
    this.taken.add(name);
    return name;
  }
}
