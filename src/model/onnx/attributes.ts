import { AttributeType, type AttributeProto, type NodeProto, type TensorProto } from './types';

/** An attribute value without its name: what `attr.*` builds and GraphBuilder.node takes in a record. */
export type AttributeValue = Omit<AttributeProto, 'name'>;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Typed attribute values (ONNX attributes are typed: alpha=1 must be FLOAT, axis=1 INT). */
export const attr = {
  int: (i: number): AttributeValue => ({ type: AttributeType.INT, i }),
  float: (f: number): AttributeValue => ({ type: AttributeType.FLOAT, f }),
  string: (s: string): AttributeValue => ({ type: AttributeType.STRING, s: utf8.encode(s) }),
  ints: (ints: readonly number[]): AttributeValue => ({ type: AttributeType.INTS, ints: [...ints] }),
  floats: (floats: readonly number[]): AttributeValue => ({ type: AttributeType.FLOATS, floats: [...floats] }),
  tensor: (t: TensorProto): AttributeValue => ({ type: AttributeType.TENSOR, t }),
};

export function findAttribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

function missing(node: NodeProto, name: string): never {
  throw new Error(`${node.op_type} node '${node.name ?? ''}' has no attribute '${name}'`);
}

export function intAttribute(node: NodeProto, name: string, fallback?: number): number {
  const a = findAttribute(node, name);
  if (a?.i !== undefined) return a.i;
  return fallback ?? missing(node, name);
}

export function floatAttribute(node: NodeProto, name: string, fallback?: number): number {
  const a = findAttribute(node, name);
  if (a?.f !== undefined) return a.f;
  return fallback ?? missing(node, name);
}

export function intsAttribute(node: NodeProto, name: string, fallback?: readonly number[]): number[] {
  const a = findAttribute(node, name);
  if (a?.ints !== undefined && (a.ints.length > 0 || a.type === AttributeType.INTS)) return a.ints;
  return fallback ? [...fallback] : missing(node, name);
}

export function stringAttribute(node: NodeProto, name: string, fallback?: string): string {
  const a = findAttribute(node, name);
  if (a?.s !== undefined) return fromUtf8.decode(a.s);
  return fallback ?? missing(node, name);
}

export function tensorAttribute(node: NodeProto, name: string): TensorProto {
  return findAttribute(node, name)?.t ?? missing(node, name);
}
