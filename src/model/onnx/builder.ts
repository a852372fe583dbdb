import type { AttributeValue } from './attributes';
import { encodeModel } from './codec';
import type { Dim } from './graph';
import { DataType, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './types';

/** Element types by the names onnxruntime uses. */
const ELEM_TYPES = {
  float32: DataType.FLOAT,
  float16: DataType.FLOAT16,
  float64: DataType.DOUBLE,
  int64: DataType.INT64,
  int32: DataType.INT32,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  bool: DataType.BOOL,
} as const;
export type ElemTypeName = keyof typeof ELEM_TYPES;

/** A tensor ValueInfoProto; shape undefined leaves the shape unknown, a string dim is symbolic, null unknown. */
export function valueInfo(name: string, elemType: ElemTypeName, shape?: readonly Dim[]): ValueInfoProto {
  const dims = shape?.map((d) => (typeof d === 'number' ? { dim_value: d } : typeof d === 'string' ? { dim_param: d } : {}));
  return {
    name,
    type: { tensor_type: { elem_type: ELEM_TYPES[elemType], ...(dims ? { shape: { dim: dims } } : {}) } },
  };
}

export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Record<string, AttributeValue> = {},
  name = '',
  domain = '',
): NodeProto {
  return {
    op_type: opType,
    input: [...inputs],
    output: [...outputs],
    name,
    domain,
    attribute: Object.entries(attributes).map(([key, value]) => ({ name: key, ...value })),
  };
}

export interface ModelOptions {
  /** Default-domain opset (default 17). */
  readonly opset?: number;
  /** IR version (default 8, which ONNX pairs with opsets up to 17). */
  readonly irVersion?: number;
  readonly graphName?: string;
}

/**
 * A small fluent builder for test and helper models:
 * `new GraphBuilder().input('x', 'float32', [1, 3]).node('Relu', ['x'], ['y']).output('y', 'float32', [1, 3]).build()`.
 */
export class GraphBuilder {
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly valueInfos: ValueInfoProto[] = [];

  input(name: string, elemType: ElemTypeName, shape?: readonly Dim[]): this {
    this.inputs.push(valueInfo(name, elemType, shape));
    return this;
  }

  output(name: string, elemType: ElemTypeName, shape?: readonly Dim[]): this {
    this.outputs.push(valueInfo(name, elemType, shape));
    return this;
  }

  /** A graph-internal value's type and shape (GraphProto.value_info). */
  value(name: string, elemType: ElemTypeName, shape?: readonly Dim[]): this {
    this.valueInfos.push(valueInfo(name, elemType, shape));
    return this;
  }

  initializer(tensor: TensorProto): this {
    this.initializers.push(tensor);
    return this;
  }

  node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes?: Record<string, AttributeValue>): this {
    this.nodes.push(node(opType, inputs, outputs, attributes, `${opType}_${this.nodes.length}`));
    return this;
  }

  build(options: ModelOptions = {}): ModelProto {
    return {
      ir_version: options.irVersion ?? 8,
      opset_import: [{ domain: '', version: options.opset ?? 17 }],
      producer_name: 'auglens',
      metadata_props: [],
      functions: [],
      graph: {
        name: options.graphName ?? 'graph',
        node: [...this.nodes],
        initializer: [...this.initializers],
        sparse_initializer: [],
        input: [...this.inputs],
        output: [...this.outputs],
        value_info: [...this.valueInfos],
      },
    };
  }

  toBytes(options: ModelOptions = {}): Uint8Array {
    return encodeModel(this.build(options));
  }
}
