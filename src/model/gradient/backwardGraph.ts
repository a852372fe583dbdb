import { attr, tensorAttribute, type AttributeValue } from '../onnx/attributes';
import { node as makeNode, valueInfo, type ElemTypeName } from '../onnx/builder';
import { floatTensor, int64Tensor, tensorToFloat32, tensorToIntegers } from '../onnx/tensor';
import { DataType, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../onnx/types';
import type { TensorInfo } from './shapes';
import { RuleError } from './unsupported';

const FLOAT_CODES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE, DataType.BFLOAT16]);

/**
 * The backward model under construction (written at a modern opset, all float32). Forward tensors enter it in two
 * ways: weights and constants are copied in as float32 initializers; activations become graph inputs, fed from the
 * forward run's extra outputs (cast to float32 inside when the model is float16, unless a rule reads them as they are).
 */
export class BackwardGraph {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  /** Forward tensors fed to this graph under their own names. */
  readonly feeds: string[] = [];
  private readonly refs = new Map<string, string>();
  private readonly constants = new Map<string, string>();
  private readonly sourceConstants = new Map<string, TensorProto>();
  private readonly producers = new Map<string, NodeProto>();
  private readonly readers = new Map<string, number>();
  /** Gradient name -> forward tensor T: the gradient is known to vanish wherever T <= 0. */
  private readonly gates = new Map<string, string>();
  private readonly taken = new Set<string>();
  private counter = 0;

  constructor(
    source: GraphProto,
    private readonly shapes: ReadonlyMap<string, TensorInfo>,
    /** Every run has one item (parameter gradients of a model probed at batch 1): no batch sums needed. */
    readonly singleItem = false,
  ) {
    for (const t of source.initializer) this.sourceConstants.set(t.name!, t);
    const read = (name: string) => this.readers.set(name, (this.readers.get(name) ?? 0) + 1);
    for (const o of source.output) read(o.name ?? '');
    for (const n of source.node) {
      n.input.forEach(read);
      for (const out of n.output) if (out) this.producers.set(out, n);
      const value = n.op_type === 'Constant' && n.attribute.some((a) => a.name === 'value') ? tensorAttribute(n, 'value') : undefined;
      if (value) this.sourceConstants.set(n.output[0], { ...value, name: n.output[0] });
    }
    for (const name of shapes.keys()) this.taken.add(name);
    for (const name of this.sourceConstants.keys()) this.taken.add(name);
  }

  /** A name used nowhere in the forward or backward graph. */
  fresh(hint: string): string {
    let name: string;
    do name = `grad/${hint}_${this.counter++}`;
    while (this.taken.has(name));
    this.taken.add(name);
    return name;
  }

  op(type: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(type));
    this.nodes.push(makeNode(type, inputs, names, attributes, names[0]));
    return names;
  }

  op1(type: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.op(type, inputs, attributes)[0];
  }

  /** A float32 constant (deduplicated). */
  floats(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(`f${dims.join('x')}:${values.join(',')}`, (name) => floatTensor(name, dims, values));
  }

  scalar(value: number): string {
    return this.floats([value], []);
  }

  /** A 1-D int64 constant (shapes, axes, starts). */
  ints(values: readonly number[]): string {
    return this.constant(`i:${values.join(',')}`, (name) => int64Tensor(name, [values.length], values));
  }

  /** A large float32 constant (not deduplicated). */
  floatTensor(values: ArrayLike<number>, dims: readonly number[]): string {
    const name = this.fresh('const');
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  /** The float32 value of a forward tensor inside the backward graph. */
  ref(name: string): string {
    const known = this.refs.get(name);
    if (known) return known;
    const constant = this.sourceConstants.get(name);
    let ref: string;
    if (constant) {
      if (!FLOAT_CODES.has(constant.data_type ?? 0)) throw new RuleError(`tensor '${name}' is not a floating-point tensor`);
      ref = this.floatTensor(tensorToFloat32(constant), constant.dims);
    } else {
      const type = this.info(name).type;
      if (type === 'float32') ref = this.feed(name);
      else if (type === 'float16' || type === 'float64') ref = this.op1('Cast', [this.feed(name)], { to: attr.int(DataType.FLOAT) });
      else throw new RuleError(`tensor '${name}' is ${type}, not a floating-point tensor`);
    }
    this.refs.set(name, ref);
    return ref;
  }

  /** A forward activation as the forward run gives it (its own element type: see info), fed under its own name. */
  feed(name: string): string {
    if (!this.feeds.includes(name)) {
      const info = this.info(name);
      this.inputs.push(valueInfo(name, info.type as ElemTypeName, symbolicDims(info)));
      this.feeds.push(name);
    }
    return name;
  }

  /** A float32 graph input that is not a forward tensor (the cotangent). */
  input(hint: string, info: TensorInfo): string {
    const name = this.fresh(hint);
    this.inputs.push(valueInfo(name, 'float32', symbolicDims(info)));
    return name;
  }

  info(name: string): TensorInfo {
    const probed = this.shapes.get(name);
    if (probed) return probed;
    const constant = this.sourceConstants.get(name);
    if (!constant) throw new RuleError(`no shape known for tensor '${name}'`);
    return { type: 'constant', dims: constant.dims, dimsAlt: constant.dims, batchAxes: [] };
  }

  /** The values of an integer tensor fixed when the model is built (pads, axes): a constant, or probed. */
  staticInts(name: string): number[] {
    const constant = this.sourceConstants.get(name);
    if (constant) return tensorToIntegers(constant);
    const ints = this.shapes.get(name)?.ints;
    if (!ints) throw new RuleError(`integer input '${name}' is not a constant`);
    return [...ints];
  }

  /** The forward node computing a tensor (undefined for inputs and initializers). */
  producer(name: string): NodeProto | undefined {
    return this.producers.get(name);
  }

  /** How many forward node inputs and graph outputs read a tensor (a gradient with one reader is that reader's alone). */
  readerCount(name: string): number {
    return this.readers.get(name) ?? 0;
  }

  /** Records that a gradient vanishes wherever the forward tensor is <= 0 (so a later ReLU mask on it is the identity). */
  gate(gradient: string, tensor: string): void {
    this.gates.set(gradient, tensor);
  }

  /** Whether a gradient is known to vanish wherever the forward tensor is <= 0. */
  gatedBy(gradient: string, tensor: string): boolean {
    return this.gates.get(gradient) === tensor;
  }

  /** A Reshape target for a tensor's shape: its batch axis becomes -1 so any batch size fits. */
  reshapeTarget(info: TensorInfo): string {
    if (info.batchAxes.length > 1) throw new RuleError(`a tensor of shape [${info.dims.join(', ')}] has several batch-dependent axes`);
    return this.ints(info.dims.map((d, axis) => (info.batchAxes.includes(axis) ? -1 : d)));
  }

  /** An Expand target for a tensor's shape: batch axes become 1, taken from the expanded tensor's own batch. */
  expandTarget(info: TensorInfo): string {
    return this.ints(info.dims.map((d, axis) => (info.batchAxes.includes(axis) ? 1 : d)));
  }

  private constant(key: string, make: (name: string) => TensorProto): string {
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh('const');
    this.initializers.push(make(name));
    this.constants.set(key, name);
    return name;
  }
}

/** Dimensions for a graph input's ValueInfo: batch axes symbolic. */
export function symbolicDims(info: TensorInfo): (number | string)[] {
  return info.dims.map((d, axis) => (info.batchAxes.includes(axis) ? 'N' : d));
}
