import { attr, findAttribute, intAttribute } from './onnx/attributes';
import { node as makeNode } from './onnx/builder';
import { opsetVersion, runtimeInputs, tensorShape } from './onnx/graph';
import { elementCount, int64Tensor, tensorToFloat32, tensorToIntegers } from './onnx/tensor';
import {
  AttributeType,
  DataType,
  type DimensionProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnx/types';

/**
 * Makes a graph whose image input fixes the batch dimension to 1 take any batch size, when that can be proved safe
 * from the graph alone (pure: no onnxruntime here; the caller runs the result against the original, see
 * dynamicBatch.ts).
 *
 * The proof tracks, for every value, whether it carries the batch and along which axis ("batch axis"), or is static
 * (computed from weights and constants only, the same at every batch size). A value carrying the batch holds, along
 * its batch axis, the rows of every image one after the other: index n * r + j is row j of image n, where r is the
 * size the axis had at batch 1. Each operator on a batch value must treat the rows along that axis independently
 * and identically (Conv over N, Gemm over rows, a Softmax over another axis, ...); the operators known to do so are
 * listed below with the conditions that make them so, and anything else is refused with the reason. The rewrite:
 *
 * - the input's first dimension and every graph output's first dimension become a symbolic dimension;
 * - every `value_info` shape annotation is dropped (onnxruntime infers the shapes again);
 * - a Reshape whose constant target shape starts with 1 (the batch baked in) gets 0 there ("copy the input's
 *   dimension": opset >= 5 shape tensor, allowzero = 0) when its input's first axis is exactly the batch, else -1
 *   when no other entry is -1; a first entry m > 1 (rows of one image) becomes -1 the same way. A first entry 0 or
 *   -1 already follows the batch.
 *
 * Refused, among others: a Reshape whose shape is computed (or starts with 1 next to another -1), Shape/Size of a
 * batch value (the batch size would enter a computed tensor), Slice/Gather/Split/Concat/reductions/Softmax along
 * the batch axis, Expand/Tile that multiply the batch axis, Resize to fixed sizes, a constant whose dimension lines up
 * with the batch axis in a broadcast (unless it is 1) or whose shape is unknown, Concat with a constant, MaxPool's
 * indices, BatchNormalization in training mode, recurrent and control-flow operators, operators of other domains.
 */
export type BatchRewriteResult =
  | { readonly ok: true; readonly proto: ModelProto; readonly symbol: string; readonly changes: readonly string[] }
  | { readonly ok: false; readonly reason: string };

interface BatchValue {
  readonly kind: 'batch';
  readonly axis: number;
  /** Undefined when the graph does not tell (refused where it matters). */
  readonly rank?: number;
  /** True when the batch axis had size 1 at batch 1: it holds exactly one row per image. */
  readonly exact: boolean;
}

interface StaticValue {
  readonly kind: 'static';
  /** Known shape (initializers, Constant nodes, value_info), else undefined. */
  readonly dims?: readonly number[];
  /** The values of a small constant tensor (shapes, axes, scales). */
  readonly values?: readonly number[];
  /** Where it comes from, for messages. */
  readonly from: string;
}

type Value = BatchValue | StaticValue;

class Refusal extends Error {}

function refuse(message: string): never {
  throw new Refusal(message);
}

const SMALL = 64;
/** Slice ends at or beyond this cover the whole axis. */
const INT32_MAX = 2 ** 31 - 1;

/** Same shape as the first input, element by element (extra inputs must be static). */
const UNARY = new Set([
  'Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'HardSigmoid', 'HardSwish', 'Softplus', 'Softsign',
  'Exp', 'Log', 'Sqrt', 'Abs', 'Neg', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign', 'Erf', 'Gelu', 'Mish', 'Cast',
  'CastLike', 'Identity', 'Not', 'IsNaN', 'IsInf', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh',
  'Acosh', 'Atanh', 'ThresholdedRelu', 'Shrink', 'Clip', 'Dropout', 'BitwiseNot',
]);

/** [N, C, spatial...] operators: each image on its own, provided the batch is axis 0. */
const PER_IMAGE = new Set([
  'Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'LpPool', 'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool',
  'BatchNormalization', 'InstanceNormalization', 'LRN', 'DepthToSpace', 'SpaceToDepth', 'GroupNormalization',
]);

/** Multidirectional (numpy) broadcasting. */
const BROADCAST = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'PRelu', 'Max', 'Min', 'Sum', 'Mean', 'Where', 'Equal', 'Less', 'Greater',
  'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Mod', 'BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor',
]);

const REDUCE = new Set([
  'ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum',
  'ReduceLogSumExp', 'ReduceSumSquare',
]);

/** What makes the operators refused by name unsafe. */
const REFUSED: Record<string, string> = {
  Shape: 'reads the shape of a batch tensor: the batch size would enter a computed value',
  Size: 'reads the size of a batch tensor: the batch size would enter a computed value',
  NonZero: 'returns indices over every axis, the batch axis included',
  LSTM: 'is a recurrent operator (its batch axis is not checked here)',
  GRU: 'is a recurrent operator (its batch axis is not checked here)',
  RNN: 'is a recurrent operator (its batch axis is not checked here)',
  Einsum: 'is not analysed for batch safety',
  ConstantOfShape: 'builds a tensor whose shape is computed from a batch tensor',
  Range: 'builds a tensor from a batch tensor\'s values',
};

const isDefaultDomain = (n: NodeProto): boolean => !n.domain || n.domain === 'ai.onnx';

export function rewriteBatchDimension(proto: ModelProto, baseDir?: string): BatchRewriteResult {
  try {
    return { ok: true, ...new Rewriter(proto, baseDir).run() };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, reason: err.message };
    throw err;
  }
}

function normAxis(axis: number, rank: number | undefined, what: string): number {
  if (axis >= 0 && (rank === undefined || axis < rank)) return axis;
  if (rank === undefined) refuse(`${what}: negative axis ${axis} on a tensor of unknown rank`);
  const a = axis + rank;
  if (a < 0 || a >= rank) refuse(`${what}: axis ${axis} out of range for rank ${rank}`);
  return a;
}

const show = (values: readonly number[]): string => `[${values.join(', ')}]`;

class Rewriter {
  private readonly graph: GraphProto;
  private readonly opset: number;
  private readonly values = new Map<string, Value>();
  private readonly declared = new Map<string, readonly number[]>();
  private readonly names = new Set<string>();
  private readonly changes: string[] = [];
  private readonly nodes: NodeProto[] = [];
  /** Shape initializers a rewritten Reshape no longer reads. */
  private readonly replaced = new Set<string>();

  constructor(
    private readonly proto: ModelProto,
    private readonly baseDir: string | undefined,
  ) {
    this.graph = proto.graph!;
    this.opset = opsetVersion(proto, '') ?? 1;
  }

  run(): { proto: ModelProto; symbol: string; changes: string[] } {
    const graph = this.graph;
    const inputs = runtimeInputs(graph);
    if (inputs.length !== 1) refuse(`the graph has ${inputs.length} inputs, expected one image input`);
    const input = inputs[0];
    const shape = tensorShape(input);
    if (!shape || shape.length === 0 || shape[0] !== 1) refuse(`input '${input.name}' does not fix the batch dimension to 1`);

    for (const v of [...graph.input, ...graph.output, ...graph.value_info]) if (v.name) this.names.add(v.name);
    for (const n of graph.node) for (const o of [...n.input, ...n.output]) if (o) this.names.add(o);
    for (const t of graph.initializer) {
      if (t.name) this.names.add(t.name);
      this.values.set(t.name ?? '', { kind: 'static', dims: t.dims, values: this.smallValues(t), from: `initializer '${t.name}'` });
    }
    for (const s of graph.sparse_initializer) {
      const name = s.values?.name ?? '';
      this.values.set(name, { kind: 'static', dims: s.dims, from: `sparse initializer '${name}'` });
    }
    for (const v of graph.value_info) {
      const dims = tensorShape(v);
      if (v.name && dims && dims.every((d): d is number => typeof d === 'number')) this.declared.set(v.name, dims);
    }
    this.values.set(input.name!, { kind: 'batch', axis: 0, rank: shape.length, exact: true });

    for (const n of graph.node) this.visit(n);

    const symbol = this.symbol();
    const outputs = graph.output.map((o) => this.output(o, symbol));
    const newInput = withBatchDim(input, symbol);
    this.changes.unshift(`input '${input.name}': batch dimension 1 -> '${symbol}'`, `outputs ${graph.output.map((o) => `'${o.name}'`).join(', ')}: batch dimension -> '${symbol}'`);
    if (graph.value_info.length > 0) this.changes.push(`dropped ${graph.value_info.length} value_info shape annotations (onnxruntime infers them)`);
    // Initializers only the rewritten Reshapes read are dropped (onnxruntime warns about unused ones).
    const read = new Set([...this.nodes.flatMap((n) => [...n.input, ...subgraphReads(n)]), ...graph.output.map((o) => o.name)]);
    const unused = new Set([...this.replaced].filter((name) => !read.has(name)));
    const rewritten: GraphProto = {
      ...graph,
      node: this.nodes,
      initializer: graph.initializer.filter((t) => !unused.has(t.name ?? '')),
      input: graph.input.filter((v) => !unused.has(v.name ?? '')).map((v) => (v === input ? newInput : v)),
      output: outputs,
      value_info: [],
    };
    return { proto: { ...this.proto, graph: rewritten }, symbol, changes: this.changes };
  }

  private smallValues(t: TensorProto): number[] | undefined {
    if (elementCount(t.dims) > SMALL) return undefined;
    try {
      const type = t.data_type ?? DataType.UNDEFINED;
      const float = type === DataType.FLOAT || type === DataType.FLOAT16 || type === DataType.DOUBLE || type === DataType.BFLOAT16;
      return float ? Array.from(tensorToFloat32(t, this.baseDir)) : tensorToIntegers(t, this.baseDir);
    } catch {
      return undefined;
    }
  }

  private symbol(): string {
    const used = new Set<string>();
    for (const v of [...this.graph.input, ...this.graph.output, ...this.graph.value_info]) {
      for (const d of v.type?.tensor_type?.shape?.dim ?? []) if (d.dim_param) used.add(d.dim_param);
    }
    let symbol = 'batch';
    for (let i = 2; used.has(symbol); i++) symbol = `batch_${i}`;
    return symbol;
  }

  private fresh(base: string): string {
    let name = base;
    for (let i = 2; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  private output(o: ValueInfoProto, symbol: string): ValueInfoProto {
    const v = this.values.get(o.name ?? '');
    if (!v || v.kind !== 'batch') refuse(`output '${o.name}' does not depend on the input: it would keep batch 1`);
    if (v.axis !== 0) refuse(`output '${o.name}' carries the batch along axis ${v.axis}, not axis 0`);
    const dims = o.type?.tensor_type?.shape?.dim;
    if (!dims) return o;
    if (dims.length === 0) refuse(`output '${o.name}' is a scalar`);
    const first = dims[0];
    if (first.dim_value !== undefined && first.dim_value !== 1) refuse(`output '${o.name}' has first dimension ${first.dim_value}, not a batch of 1`);
    return first.dim_param ? o : withBatchDim(o, symbol);
  }

  private visit(n: NodeProto): void {
    const label = `${n.op_type} node '${n.name || n.output[0]}'`;
    const ins = n.input.map((name) => {
      if (!name) return undefined;
      const v = this.values.get(name);
      if (!v) refuse(`${label} reads '${name}' before it is produced (the graph is not topologically sorted)`);
      return v;
    });
    const out = (values: Value[]): void => {
      n.output.forEach((name, i) => name && this.values.set(name, values[Math.min(i, values.length - 1)]));
    };
    if (n.attribute.some((a) => a.g || (a.graphs ?? []).length > 0)) {
      if (ins.some((v) => v?.kind === 'batch') || readsOuterBatch(n, this.values)) refuse(`${label} has a subgraph`);
    }
    const node = { ...n, input: [...n.input] };
    this.nodes.push(node);
    if (!ins.some((v) => v?.kind === 'batch') && !readsOuterBatch(n, this.values)) {
      out(n.output.map((name, i) => this.staticOutput(n, name, i, ins as (StaticValue | undefined)[])));
      return;
    }
    if (!isDefaultDomain(n)) refuse(`${label} is in domain '${n.domain}': not analysed for batch safety`);
    out(new NodeRule(this, node, label, ins).apply());
  }

  private staticOutput(n: NodeProto, name: string, index: number, ins: (StaticValue | undefined)[]): StaticValue {
    const from = `${n.op_type} node '${n.name || n.output[0]}'`;
    const op = n.op_type;
    if (op === 'Constant' && isDefaultDomain(n)) {
      const t = findAttribute(n, 'value')?.t;
      if (t) return { kind: 'static', dims: t.dims, values: this.smallValues(t), from };
      const a = n.attribute[0];
      if (a?.type === AttributeType.INT || a?.type === AttributeType.FLOAT) return { kind: 'static', dims: [], values: [a.i ?? a.f ?? 0], from };
      if (a?.type === AttributeType.INTS) return { kind: 'static', dims: [a.ints!.length], values: a.ints, from };
      if (a?.type === AttributeType.FLOATS) return { kind: 'static', dims: [a.floats!.length], values: a.floats, from };
    }
    if ((op === 'Identity' || op === 'Cast') && index === 0 && ins[0]) {
      // A Cast may round: its values are only kept when they are integers already.
      const values = op === 'Cast' && !ins[0].values?.every(Number.isInteger) ? undefined : ins[0].values;
      return { kind: 'static', dims: ins[0].dims, values, from };
    }
    if (op === 'Reshape' && this.opset >= 5 && ins[0]?.dims && ins[1]?.values) {
      const dims = reshapedDims(ins[0].dims, ins[1].values, this.opset >= 14 ? intAttribute(n, 'allowzero', 0) : 0);
      if (dims) return { kind: 'static', dims, from };
    }
    return { kind: 'static', dims: this.declared.get(name), from };
  }

  /** Replaces a Reshape's shape by `shape`, through a new Constant node (the original may be shared). */
  setReshapeShape(node: NodeProto, label: string, before: readonly number[], shape: readonly number[]): void {
    if (this.opset < 5) {
      node.attribute = node.attribute.map((a) => (a.name === 'shape' ? { name: 'shape', ...attr.ints(shape) } : a));
    } else {
      const name = this.fresh(`${node.input[1] || node.output[0]}_any_batch`);
      const constant = makeNode('Constant', [], [name], { value: attr.tensor(int64Tensor(name, [shape.length], [...shape])) }, this.fresh(`${name}_node`));
      this.nodes.splice(this.nodes.length - 1, 0, constant);
      this.replaced.add(node.input[1]);
      node.input[1] = name;
    }
    this.changes.push(`${label}: shape ${show(before)} -> ${show(shape)}`);
  }

  get opsetVersion(): number {
    return this.opset;
  }
}

/** The output shape of a Reshape of known input shape, or undefined when the shape does not fit. */
function reshapedDims(input: readonly number[], shape: readonly number[], allowzero: number): number[] | undefined {
  const dims = shape.map((d, i) => (d === 0 && !allowzero ? input[i] : d));
  const known = dims.filter((d) => d !== -1).reduce((n, d) => n * d, 1);
  const total = elementCount(input);
  const inferred = dims.filter((d) => d === -1).length;
  if (inferred > 1 || dims.some((d) => d === undefined || d < -1)) return undefined;
  if (inferred === 0) return known === total ? dims : undefined;
  return known > 0 && total % known === 0 ? dims.map((d) => (d === -1 ? total / known : d)) : undefined;
}

/** Every name a node's subgraphs read. */
function subgraphReads(n: NodeProto): string[] {
  return n.attribute.flatMap((a) => [a.g, ...(a.graphs ?? [])].flatMap((g) => (g ? g.node.flatMap((inner) => [...inner.input, ...subgraphReads(inner)]) : [])));
}

/** Whether a node's subgraphs read a batch value of the outer graph. */
function readsOuterBatch(n: NodeProto, values: ReadonlyMap<string, Value>): boolean {
  for (const a of n.attribute) {
    for (const g of [a.g, ...(a.graphs ?? [])]) {
      if (!g) continue;
      for (const inner of g.node) {
        if (inner.input.some((name) => values.get(name)?.kind === 'batch') || readsOuterBatch(inner, values)) return true;
      }
    }
  }
  return false;
}

function withBatchDim(v: ValueInfoProto, symbol: string): ValueInfoProto {
  const tensor = v.type!.tensor_type!;
  const [first, ...rest] = tensor.shape!.dim;
  const { dim_value: _drop, ...kept } = first;
  const dim: DimensionProto[] = [{ ...kept, dim_param: symbol }, ...rest];
  return { ...v, type: { ...v.type, tensor_type: { ...tensor, shape: { dim } } } };
}

/** The batch facts of one node's outputs, or a Refusal. */
class NodeRule {
  private readonly op: string;
  private readonly opset: number;

  constructor(
    private readonly rewriter: Rewriter,
    private readonly node: NodeProto,
    private readonly label: string,
    private readonly ins: (Value | undefined)[],
  ) {
    this.op = node.op_type ?? '';
    this.opset = rewriter.opsetVersion;
  }

  apply(): Value[] {
    const op = this.op;
    if (UNARY.has(op)) return this.unary();
    if (PER_IMAGE.has(op)) return this.perImage();
    if (BROADCAST.has(op)) return [this.broadcast()];
    if (REDUCE.has(op)) return [this.reduce()];
    switch (op) {
      case 'Gemm': return [this.gemm()];
      case 'MatMul': return [this.matmul()];
      case 'Flatten': return [this.flatten()];
      case 'Reshape': return [this.reshape()];
      case 'Transpose': return [this.transpose()];
      case 'Squeeze': return [this.squeeze()];
      case 'Unsqueeze': return [this.unsqueeze()];
      case 'Concat': return [this.concat()];
      case 'Split': return [this.alongOtherAxis(this.intAttr('axis', 0))];
      case 'Slice': return [this.slice()];
      case 'Gather': return [this.gather()];
      case 'Pad': return [this.pad()];
      case 'ArgMax':
      case 'ArgMin': return [this.reduceAxes([this.intAttr('axis', 0)], false)];
      case 'Softmax':
      case 'LogSoftmax':
      case 'Hardmax': return [this.softmax()];
      case 'LayerNormalization': return [this.layerNorm()];
      case 'Resize':
      case 'Upsample': return [this.resize()];
      case 'Expand': return [this.expand()];
      case 'Tile': return [this.tile()];
      case 'TopK': return [this.alongOtherAxis(this.intAttr('axis', -1))];
      case 'QuantizeLinear':
      case 'DequantizeLinear': return [this.quantize()];
    }
    refuse(`${this.label} ${REFUSED[op] ?? `(operator ${op}) is not known to be batch-safe`}`);
  }

  // ---- helpers

  private get x(): BatchValue {
    const v = this.ins[0];
    if (v?.kind !== 'batch') refuse(`${this.label}: the batch reaches an input other than the data input`);
    return v;
  }

  private rank(v: BatchValue): number {
    return v.rank ?? refuse(`${this.label}: the rank of its input is unknown`);
  }

  private intAttr(name: string, fallback: number): number {
    return intAttribute(this.node, name, fallback);
  }

  /** Every input but the first is static (or absent). */
  private staticRest(from = 1): void {
    this.ins.slice(from).forEach((v, i) => {
      if (v?.kind === 'batch') refuse(`${this.label}: input ${i + from} ('${this.node.input[i + from]}') carries the batch`);
    });
  }

  private staticAt(i: number, what: string): StaticValue {
    const v = this.ins[i];
    if (!v) refuse(`${this.label} has no ${what}`);
    if (v.kind === 'batch') refuse(`${this.label}: its ${what} is computed from the batch tensor`);
    return v;
  }

  /** A constant input's values (shape, axes, pads), or a Refusal naming where it comes from. */
  private valuesAt(i: number, what: string): readonly number[] {
    const v = this.staticAt(i, what);
    return v.values ?? refuse(`${this.label}: its ${what} comes from ${v.from}, not a constant`);
  }

  private dimsOf(v: StaticValue, role: string): readonly number[] {
    return v.dims ?? refuse(`${this.label}: the shape of its ${role} (${v.from}) is unknown, so it may fix the batch size`);
  }

  /** Axes from an attribute (older opsets) or an optional input (from `sinceOpset`); undefined when absent. */
  private axes(inputIndex: number, sinceOpset: number, attrName = 'axes'): readonly number[] | undefined {
    if (this.opset >= sinceOpset) return this.node.input[inputIndex] ? this.valuesAt(inputIndex, attrName) : undefined;
    const a = findAttribute(this.node, attrName);
    return a?.ints;
  }

  private same(v: BatchValue, axis = v.axis, rank = v.rank, exact = v.exact): BatchValue {
    return { kind: 'batch', axis, rank, exact };
  }

  // ---- rules

  private unary(): Value[] {
    const x = this.x;
    this.staticRest();
    return [this.same(x)];
  }

  private perImage(): Value[] {
    const x = this.x;
    this.staticRest();
    if (x.axis !== 0) refuse(`${this.label} needs the batch along axis 0, it is along axis ${x.axis}`);
    if (this.op === 'MaxPool' && this.node.output[1]) refuse(`${this.label} returns indices, which count across the batch`);
    if (this.op === 'BatchNormalization' && (this.node.output.slice(1).some(Boolean) || (this.opset >= 14 && this.intAttr('training_mode', 0)))) refuse(`${this.label} is in training mode (running statistics over the batch)`);
    return [this.same(x)];
  }

  private broadcast(): BatchValue {
    if (this.opset < 7 && findAttribute(this.node, 'broadcast')) refuse(`${this.label} uses the legacy (opset < 7) broadcast attribute`);
    const present = this.ins.filter((v): v is Value => v !== undefined);
    const ranks = present.map((v) => (v.kind === 'batch' ? this.rank(v) : this.dimsOf(v, 'constant operand').length));
    const R = Math.max(...ranks);
    let axis: number | undefined;
    let exact = true;
    present.forEach((v, i) => {
      if (v.kind !== 'batch') return;
      const a = R - ranks[i] + v.axis;
      if (axis !== undefined && a !== axis) refuse(`${this.label}: its operands carry the batch along different axes`);
      axis = a;
      exact &&= v.exact;
    });
    present.forEach((v, i) => {
      if (v.kind !== 'static') return;
      const p = axis! - (R - ranks[i]);
      if (p >= 0 && v.dims![p] !== 1) refuse(`${this.label}: operand ${v.from} has size ${v.dims![p]} along the batch axis (shape ${show(v.dims!)})`);
    });
    return { kind: 'batch', axis: axis!, rank: R, exact };
  }

  private gemm(): BatchValue {
    const [A, B, C] = this.ins;
    if (A?.kind !== 'batch') refuse(`${this.label}: the batch reaches B or C instead of A`);
    if (B?.kind === 'batch') refuse(`${this.label}: its B operand carries the batch`);
    const row = this.intAttr('transA', 0) ? 1 : 0;
    if (A.axis !== row) refuse(`${this.label}: the batch is along the contracted axis of A`);
    if (C?.kind === 'batch') {
      if (C.axis !== 0 || this.rank(C) !== 2) refuse(`${this.label}: its C operand carries the batch along another axis than the rows`);
    } else if (C) {
      const dims = this.dimsOf(C, 'C operand');
      if (dims.length === 2 && dims[0] !== 1) refuse(`${this.label}: its C operand ${C.from} has ${dims[0]} rows (shape ${show(dims)})`);
    }
    return { kind: 'batch', axis: 0, rank: 2, exact: A.exact };
  }

  private matmul(): BatchValue {
    const [A, B] = this.ins as Value[];
    if (A.kind === 'batch' && B.kind === 'batch') {
      const ra = this.rank(A);
      const rb = this.rank(B);
      const R = Math.max(ra, rb);
      if (A.axis >= ra - 2 || B.axis >= rb - 2 || R - ra + A.axis !== R - rb + B.axis) {
        refuse(`${this.label}: both operands carry the batch, not along the same leading axis`);
      }
      return { kind: 'batch', axis: R - ra + A.axis, rank: R, exact: A.exact && B.exact };
    }
    if (A.kind === 'batch') {
      const ra = this.rank(A);
      if (ra < 2 || A.axis === ra - 1) refuse(`${this.label}: the batch is along the contracted axis of A`);
      const bd = this.dimsOf(B as StaticValue, 'B operand');
      if (bd.length === 1) return { kind: 'batch', axis: A.axis, rank: ra - 1, exact: A.exact };
      const R = Math.max(ra, bd.length);
      const axis = R - ra + A.axis;
      const p = axis - (R - bd.length);
      if (A.axis < ra - 2 && p >= 0 && bd[p] !== 1) refuse(`${this.label}: B (${(B as StaticValue).from}) has size ${bd[p]} along the batch axis`);
      return { kind: 'batch', axis, rank: R, exact: A.exact };
    }
    const b = B as BatchValue;
    const rb = this.rank(b);
    if (rb < 2 || b.axis === rb - 2) refuse(`${this.label}: the batch is along the contracted axis of B`);
    const ad = this.dimsOf(A, 'A operand');
    if (ad.length === 1) return { kind: 'batch', axis: b.axis === rb - 1 ? rb - 2 : b.axis, rank: rb - 1, exact: b.exact };
    const R = Math.max(ad.length, rb);
    const axis = R - rb + b.axis;
    const p = axis - (R - ad.length);
    if (b.axis < rb - 2 && p >= 0 && ad[p] !== 1) refuse(`${this.label}: A (${A.from}) has size ${ad[p]} along the batch axis`);
    return { kind: 'batch', axis, rank: R, exact: b.exact };
  }

  private flatten(): BatchValue {
    const x = this.x;
    const a = normAxis(this.intAttr('axis', 1), x.rank, this.label);
    if (a === 0) refuse(`${this.label} has axis 0: it folds the batch into the features`);
    if (x.axis !== 0) refuse(`${this.label}: the batch is along axis ${x.axis}, not 0`);
    return { kind: 'batch', axis: 0, rank: 2, exact: x.exact && a === 1 };
  }

  private reshape(): BatchValue {
    const x = this.x;
    if (x.axis !== 0) refuse(`${this.label}: the batch is along axis ${x.axis}, not the first`);
    let shape: readonly number[];
    if (this.opset < 5) {
      shape = findAttribute(this.node, 'shape')?.ints ?? refuse(`${this.label} has no shape`);
    } else {
      const v = this.staticAt(1, 'shape');
      shape = v.values ?? refuse(`${this.label}: its shape comes from ${v.from}, a computed tensor that may fix the batch size`);
    }
    if (shape.length === 0) refuse(`${this.label} reshapes to a scalar`);
    const allowzero = this.opset >= 14 ? this.intAttr('allowzero', 0) : 0;
    const first = shape[0];
    const otherInferred = shape.slice(1).includes(-1);
    const exactly = (s0: number, exact: boolean): BatchValue => {
      if (s0 !== first) this.rewriter.setReshapeShape(this.node, this.label, shape, [s0, ...shape.slice(1)]);
      return { kind: 'batch', axis: 0, rank: shape.length, exact };
    };
    if (first === 0 && !allowzero) return exactly(0, x.exact);
    if (first === -1) return exactly(-1, false);
    if (first >= 1) {
      if (first === 1 && x.exact && !allowzero) return exactly(0, true);
      if (!otherInferred) return exactly(-1, first === 1);
      refuse(`${this.label}: shape ${show(shape)} fixes the batch and already infers another dimension (-1)`);
    }
    refuse(`${this.label}: shape ${show(shape)} with allowzero=${allowzero} cannot follow the batch`);
  }

  private transpose(): BatchValue {
    const x = this.x;
    const rank = this.rank(x);
    const perm = findAttribute(this.node, 'perm')?.ints ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    return this.same(x, perm.indexOf(x.axis));
  }

  private squeeze(): BatchValue {
    const x = this.x;
    const axes = this.axes(1, 13);
    if (!axes || axes.length === 0) refuse(`${this.label} has no axes: it would drop the batch axis at batch 1`);
    const norm = axes.map((a) => normAxis(a, x.rank, this.label));
    if (norm.includes(x.axis)) refuse(`${this.label} removes the batch axis`);
    return this.same(x, x.axis - norm.filter((a) => a < x.axis).length, x.rank === undefined ? undefined : x.rank - norm.length);
  }

  private unsqueeze(): BatchValue {
    const x = this.x;
    const axes = this.axes(1, 13) ?? refuse(`${this.label} has no axes`);
    const outRank = x.rank === undefined ? undefined : x.rank + axes.length;
    const inserted = new Set(axes.map((a) => normAxis(a, outRank, this.label)));
    let seen = 0;
    for (let p = 0; ; p++) {
      if (inserted.has(p)) continue;
      if (seen === x.axis) return this.same(x, p, outRank);
      seen++;
    }
  }

  private concat(): BatchValue {
    const x = this.x;
    const present = this.ins.filter((v): v is Value => v !== undefined);
    for (const v of present) {
      if (v.kind !== 'batch') refuse(`${this.label} joins a batch tensor with ${v.from}, whose batch dimension would stay 1`);
      if (v.axis !== x.axis || v.rank !== x.rank) refuse(`${this.label}: its inputs carry the batch along different axes`);
    }
    const axis = normAxis(this.opset < 4 ? this.intAttr('axis', 1) : intAttribute(this.node, 'axis'), x.rank, this.label);
    if (axis === x.axis) refuse(`${this.label} concatenates along the batch axis`);
    return this.same(x, x.axis, x.rank, present.every((v) => (v as BatchValue).exact));
  }

  /** Split, TopK: per-image as long as they work along another axis. */
  private alongOtherAxis(axisAttr: number): BatchValue {
    const x = this.x;
    this.staticRest();
    if (normAxis(axisAttr, x.rank, this.label) === x.axis) refuse(`${this.label} works along the batch axis`);
    return this.same(x);
  }

  private slice(): BatchValue {
    const x = this.x;
    let starts: readonly number[], ends: readonly number[], axes: readonly number[] | undefined, steps: readonly number[] | undefined;
    if (this.opset < 10) {
      starts = findAttribute(this.node, 'starts')?.ints ?? [];
      ends = findAttribute(this.node, 'ends')?.ints ?? [];
      axes = findAttribute(this.node, 'axes')?.ints;
    } else {
      starts = this.valuesAt(1, 'starts');
      ends = this.valuesAt(2, 'ends');
      axes = this.node.input[3] ? this.valuesAt(3, 'axes') : undefined;
      steps = this.node.input[4] ? this.valuesAt(4, 'steps') : undefined;
    }
    (axes ?? starts.map((_, i) => i)).forEach((a, i) => {
      if (normAxis(a, x.rank, this.label) !== x.axis) return;
      const whole = starts[i] === 0 && ends[i] >= INT32_MAX && (steps?.[i] ?? 1) === 1;
      if (!whole) refuse(`${this.label} slices the batch axis (from ${starts[i]} to ${ends[i]})`);
    });
    return this.same(x);
  }

  private gather(): BatchValue {
    const [data, indices] = this.ins as Value[];
    if (data.kind === 'batch') {
      if (indices.kind === 'batch') refuse(`${this.label}: data and indices both carry the batch`);
      const idx = this.dimsOf(indices, 'indices').length;
      const axis = normAxis(this.intAttr('axis', 0), data.rank, this.label);
      if (axis === data.axis) refuse(`${this.label} gathers along the batch axis`);
      const rank = data.rank === undefined ? undefined : data.rank - 1 + idx;
      return this.same(data, data.axis < axis ? data.axis : data.axis + idx - 1, rank);
    }
    const idx = indices as BatchValue;
    const dataRank = this.dimsOf(data, 'data').length;
    const axis = normAxis(this.intAttr('axis', 0), dataRank, this.label);
    return this.same(idx, axis + idx.axis, idx.rank === undefined ? undefined : dataRank - 1 + idx.rank);
  }

  private pad(): BatchValue {
    const x = this.x;
    this.staticRest();
    const pads =
      this.opset < 11
        ? (findAttribute(this.node, 'pads') ?? findAttribute(this.node, 'paddings'))?.ints ?? refuse(`${this.label} has no pads`)
        : this.valuesAt(1, 'pads');
    const axes = this.opset >= 18 && this.node.input[3] ? this.valuesAt(3, 'axes') : undefined;
    const n = pads.length / 2;
    const padded = (axes ?? Array.from({ length: n }, (_, i) => i)).map((a) => normAxis(a, x.rank ?? (axes ? undefined : n), this.label));
    padded.forEach((a, i) => {
      if (a === x.axis && (pads[i] !== 0 || pads[i + n] !== 0)) refuse(`${this.label} pads the batch axis`);
    });
    return this.same(x);
  }

  private reduce(): BatchValue {
    const axesSince = this.op === 'ReduceSum' ? 13 : 18;
    const axes = this.axes(1, axesSince);
    const noop = this.opset >= axesSince ? this.intAttr('noop_with_empty_axes', 0) : 0;
    if (!axes || axes.length === 0) {
      if (noop) return this.same(this.x);
      refuse(`${this.label} reduces over every axis, the batch axis included`);
    }
    return this.reduceAxes(axes, true);
  }

  private reduceAxes(axes: readonly number[], staticRest: boolean): BatchValue {
    const x = this.x;
    if (staticRest) this.staticRest();
    const norm = [...new Set(axes.map((a) => normAxis(a, x.rank, this.label)))];
    if (norm.includes(x.axis)) refuse(`${this.label} reduces over the batch axis`);
    if (this.intAttr('keepdims', 1)) return this.same(x);
    return this.same(x, x.axis - norm.filter((a) => a < x.axis).length, x.rank === undefined ? undefined : x.rank - norm.length);
  }

  private softmax(): BatchValue {
    const x = this.x;
    if (this.opset < 13) {
      const a = normAxis(this.intAttr('axis', 1), x.rank, this.label);
      if (x.axis >= a) refuse(`${this.label} (axis ${a}, opset < 13) normalises over the batch axis`);
    } else if (normAxis(this.intAttr('axis', -1), x.rank, this.label) === x.axis) {
      refuse(`${this.label} normalises along the batch axis`);
    }
    return this.same(x);
  }

  private layerNorm(): BatchValue {
    const x = this.x;
    this.staticRest();
    const a = normAxis(this.intAttr('axis', -1), x.rank, this.label);
    if (x.axis >= a) refuse(`${this.label} normalises over the batch axis`);
    return this.same(x);
  }

  private resize(): BatchValue {
    const x = this.x;
    this.staticRest();
    if (this.op === 'Resize' && this.opset >= 11 && this.node.input[3]) {
      const sizes = this.valuesAt(3, 'sizes');
      if (sizes.length > 0) refuse(`${this.label} resizes to fixed sizes ${show(sizes)}, which set the batch size`);
    }
    let scales: readonly number[] | undefined;
    if (this.op === 'Upsample' && this.opset < 9) scales = findAttribute(this.node, 'scales')?.floats;
    else {
      const i = this.op === 'Resize' && this.opset >= 11 ? 2 : 1;
      if (this.node.input[i]) scales = this.valuesAt(i, 'scales');
    }
    if (!scales || scales.length === 0) refuse(`${this.label} has no constant scales`);
    const axes = findAttribute(this.node, 'axes')?.ints ?? scales.map((_, i) => i);
    axes.forEach((a, i) => {
      if (normAxis(a, x.rank ?? scales.length, this.label) === x.axis && scales[i] !== 1) refuse(`${this.label} scales the batch axis by ${scales[i]}`);
    });
    return this.same(x);
  }

  private expand(): BatchValue {
    const x = this.x;
    const shape = this.valuesAt(1, 'shape');
    const rank = this.rank(x);
    const R = Math.max(rank, shape.length);
    const axis = R - rank + x.axis;
    const p = axis - (R - shape.length);
    if (p >= 0 && shape[p] !== 1) refuse(`${this.label} expands the batch axis to ${shape[p]} (shape ${show(shape)})`);
    return this.same(x, axis, R);
  }

  private tile(): BatchValue {
    const x = this.x;
    const repeats = this.valuesAt(1, 'repeats');
    if (repeats[x.axis] !== 1) refuse(`${this.label} repeats the batch axis ${repeats[x.axis]} times`);
    return this.same(x);
  }

  private quantize(): BatchValue {
    const x = this.x;
    this.staticRest();
    const scale = this.staticAt(1, 'scale');
    const dims = this.dimsOf(scale, 'scale');
    if (elementCount(dims) > 1 && normAxis(this.intAttr('axis', 1), x.rank, this.label) === x.axis) {
      refuse(`${this.label} quantizes per slice along the batch axis`);
    }
    return this.same(x);
  }
}
