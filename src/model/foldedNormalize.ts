import { consumers } from './onnx/graph';
import { tensorToFloat32 } from './onnx/tensor';
import type { GraphProto, NodeProto, TensorProto } from './onnx/types';
import type { Layout } from './imageInput';

/** A Normalize folded into the graph: its first nodes compute a[c] * input[c] + b[c] per channel. */
export interface FoldedNormalize {
  readonly a: readonly number[];
  readonly b: readonly number[];
  /** The nodes, e.g. "Sub by [123.7, 116.3, 103.5], Div by [58.4, 57.1, 57.4]". */
  readonly description: string;
}

const AFFINE_OPS = new Set(['Add', 'Sub', 'Mul', 'Div']);

/**
 * Follows the model input through its chain of Add/Sub/Mul/Div nodes by constants (scalars or one value per
 * channel), as exporters leave a Normalize or a 1/255 scaling, and composes them into one affine map per channel.
 * A leading NHWC -> NCHW Transpose (as Keras and TensorFlow exports start) is followed, the constants then broadcast
 * in NCHW. Null when the input's first node is anything else.
 */
export function foldedNormalize(graph: GraphProto, inputName: string, layout: Layout, channels: number, baseDir?: string): FoldedNormalize | null {
  const readers = consumers(graph);
  const constants = constantValues(graph, baseDir);
  let a = new Array<number>(channels).fill(1);
  let b = new Array<number>(channels).fill(0);
  const steps: string[] = [];
  let value = inputName;
  let axes = layout;
  const first = readers.get(inputName);
  if (layout === 'NHWC' && first?.length === 1 && isToNchw(first[0])) {
    value = first[0].output[0];
    axes = 'NCHW';
  }
  for (;;) {
    const next = readers.get(value);
    if (!next || next.length !== 1 || !AFFINE_OPS.has(next[0].op_type ?? '')) break;
    const node = next[0];
    const variableFirst = node.input[0] === value;
    const other = constants.get(node.input[variableFirst ? 1 : 0]);
    const c = other && perChannel(other, axes, channels);
    // x - c and x / c only: c - x and c / x are not a normalisation.
    if (!c || (!variableFirst && (node.op_type === 'Sub' || node.op_type === 'Div'))) break;
    if (node.op_type === 'Add') b = b.map((v, i) => v + c[i]);
    else if (node.op_type === 'Sub') b = b.map((v, i) => v - c[i]);
    else {
      const f = node.op_type === 'Mul' ? c : c.map((v) => 1 / v);
      a = a.map((v, i) => v * f[i]);
      b = b.map((v, i) => v * f[i]);
    }
    steps.push(`${node.op_type} by ${shown(c)}`);
    value = node.output[0];
  }
  return steps.length ? { a, b, description: steps.join(', ') } : null;
}

function isToNchw(node: NodeProto): boolean {
  const perm = node.attribute.find((a) => a.name === 'perm')?.ints?.map(Number);
  return node.op_type === 'Transpose' && perm !== undefined && perm.join() === '0,3,1,2';
}

interface Constant {
  readonly values: Float32Array;
  readonly dims: readonly number[];
}

/** Floating-point initializers and Constant nodes by value name. */
function constantValues(graph: GraphProto, baseDir?: string): Map<string, Constant> {
  const tensors: [string, TensorProto | undefined][] = [
    ...graph.initializer.map((t): [string, TensorProto] => [t.name ?? '', t]),
    ...graph.node.filter((n) => n.op_type === 'Constant').map((n): [string, TensorProto | undefined] => [n.output[0], constantTensor(n)]),
  ];
  const map = new Map<string, Constant>();
  for (const [name, t] of tensors) {
    const values = t && floatValues(t, baseDir);
    if (t && values) map.set(name, { values, dims: t.dims.map(Number) });
  }
  return map;
}

function constantTensor(node: NodeProto): TensorProto | undefined {
  return node.attribute.find((x) => x.name === 'value')?.t;
}

function floatValues(t: TensorProto, baseDir?: string): Float32Array | null {
  try {
    return tensorToFloat32(t, baseDir);
  } catch {
    return null;
  }
}

/** A constant's values as one per channel: a scalar, or C values along the channel axis of the layout. */
function perChannel({ values, dims }: Constant, layout: Layout, channels: number): number[] | null {
  if (values.length === 1) return new Array<number>(channels).fill(values[0]);
  if (values.length !== channels) return null;
  const fromEnd = dims.length - dims.indexOf(channels);
  // NCHW broadcasting puts channels third from the end ([C, 1, 1] or [1, C, 1, 1]); NHWC last ([C] or [1, 1, 1, C]).
  if (layout === 'NCHW' ? fromEnd !== 3 : fromEnd !== 1) return null;
  return Array.from(values);
}

function shown(values: readonly number[]): string {
  const f = (v: number) => Number(v.toPrecision(4)).toString();
  return values.every((v) => v === values[0]) ? f(values[0]) : `[${values.map(f).join(', ')}]`;
}
