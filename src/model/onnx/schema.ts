/**
 * protobufjs descriptor of the ONNX IR (package `onnx`), transcribed from the public ONNX specification
 * `onnx/onnx.proto` (https://github.com/onnx/onnx, Apache-2.0; earlier releases MIT): same message names,
 * field names and field numbers, proto2 semantics as `onnx.in.proto`. Covers IR version 10 except the
 * multi-device configuration messages (ModelProto.configuration, NodeProto.device_configurations), which
 * are dropped on decode.
 */
import type { INamespace } from 'protobufjs';

type FieldJson = { type: string; id: number; rule?: 'repeated'; options?: { packed: boolean } };

const opt = (type: string, id: number): FieldJson => ({ type, id });
const rep = (type: string, id: number): FieldJson => ({ type, id, rule: 'repeated' });
/** TensorProto's numeric data fields are declared `[packed = true]` in onnx.proto. */
const packed = (type: string, id: number): FieldJson => ({ type, id, rule: 'repeated', options: { packed: true } });

function message(fields: Record<string, FieldJson>, extra: object = {}): object {
  return { edition: 'proto2', fields, ...extra };
}

export const ONNX_SCHEMA: INamespace = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: message(
          {
            name: opt('string', 1),
            ref_attr_name: opt('string', 21),
            doc_string: opt('string', 13),
            type: opt('AttributeType', 20),
            f: opt('float', 2),
            i: opt('int64', 3),
            s: opt('bytes', 4),
            t: opt('TensorProto', 5),
            g: opt('GraphProto', 6),
            sparse_tensor: opt('SparseTensorProto', 22),
            tp: opt('TypeProto', 14),
            floats: rep('float', 7),
            ints: rep('int64', 8),
            strings: rep('bytes', 9),
            tensors: rep('TensorProto', 10),
            graphs: rep('GraphProto', 11),
            sparse_tensors: rep('SparseTensorProto', 23),
            type_protos: rep('TypeProto', 15),
          },
          {
            nested: {
              AttributeType: {
                values: {
                  UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, SPARSE_TENSOR: 11, TYPE_PROTO: 13,
                  FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, SPARSE_TENSORS: 12, TYPE_PROTOS: 14,
                },
              },
            },
          },
        ),
        ValueInfoProto: message({
          name: opt('string', 1),
          type: opt('TypeProto', 2),
          doc_string: opt('string', 3),
          metadata_props: rep('StringStringEntryProto', 4),
        }),
        NodeProto: message({
          input: rep('string', 1),
          output: rep('string', 2),
          name: opt('string', 3),
          op_type: opt('string', 4),
          domain: opt('string', 7),
          overload: opt('string', 8),
          attribute: rep('AttributeProto', 5),
          doc_string: opt('string', 6),
          metadata_props: rep('StringStringEntryProto', 9),
        }),
        TrainingInfoProto: message({
          initialization: opt('GraphProto', 1),
          algorithm: opt('GraphProto', 2),
          initialization_binding: rep('StringStringEntryProto', 3),
          update_binding: rep('StringStringEntryProto', 4),
        }),
        ModelProto: message({
          ir_version: opt('int64', 1),
          opset_import: rep('OperatorSetIdProto', 8),
          producer_name: opt('string', 2),
          producer_version: opt('string', 3),
          domain: opt('string', 4),
          model_version: opt('int64', 5),
          doc_string: opt('string', 6),
          graph: opt('GraphProto', 7),
          metadata_props: rep('StringStringEntryProto', 14),
          training_info: rep('TrainingInfoProto', 20),
          functions: rep('FunctionProto', 25),
        }),
        StringStringEntryProto: message({ key: opt('string', 1), value: opt('string', 2) }),
        TensorAnnotation: message({
          tensor_name: opt('string', 1),
          quant_parameter_tensor_names: rep('StringStringEntryProto', 2),
        }),
        GraphProto: message({
          node: rep('NodeProto', 1),
          name: opt('string', 2),
          initializer: rep('TensorProto', 5),
          sparse_initializer: rep('SparseTensorProto', 15),
          doc_string: opt('string', 10),
          input: rep('ValueInfoProto', 11),
          output: rep('ValueInfoProto', 12),
          value_info: rep('ValueInfoProto', 13),
          quantization_annotation: rep('TensorAnnotation', 14),
          metadata_props: rep('StringStringEntryProto', 16),
        }),
        TensorProto: message(
          {
            dims: rep('int64', 1),
            data_type: opt('int32', 2),
            segment: opt('Segment', 3),
            float_data: packed('float', 4),
            int32_data: packed('int32', 5),
            string_data: rep('bytes', 6),
            int64_data: packed('int64', 7),
            name: opt('string', 8),
            doc_string: opt('string', 12),
            raw_data: opt('bytes', 9),
            external_data: rep('StringStringEntryProto', 13),
            data_location: opt('DataLocation', 14),
            double_data: packed('double', 10),
            uint64_data: packed('uint64', 11),
            metadata_props: rep('StringStringEntryProto', 16),
          },
          {
            nested: {
              Segment: message({ begin: opt('int64', 1), end: opt('int64', 2) }),
              DataLocation: { values: { DEFAULT: 0, EXTERNAL: 1 } },
            },
          },
        ),
        SparseTensorProto: message({
          values: opt('TensorProto', 1),
          indices: opt('TensorProto', 2),
          dims: rep('int64', 3),
        }),
        TensorShapeProto: message(
          { dim: rep('Dimension', 1) },
          {
            nested: {
              Dimension: message(
                { dim_value: opt('int64', 1), dim_param: opt('string', 2), denotation: opt('string', 3) },
                { oneofs: { value: { oneof: ['dim_value', 'dim_param'] } } },
              ),
            },
          },
        ),
        TypeProto: message(
          {
            tensor_type: opt('Tensor', 1),
            sequence_type: opt('Sequence', 4),
            map_type: opt('Map', 5),
            optional_type: opt('Optional', 9),
            sparse_tensor_type: opt('SparseTensor', 8),
            denotation: opt('string', 6),
          },
          {
            oneofs: { value: { oneof: ['tensor_type', 'sequence_type', 'map_type', 'optional_type', 'sparse_tensor_type'] } },
            nested: {
              Tensor: message({ elem_type: opt('int32', 1), shape: opt('TensorShapeProto', 2) }),
              Sequence: message({ elem_type: opt('TypeProto', 1) }),
              Map: message({ key_type: opt('int32', 1), value_type: opt('TypeProto', 2) }),
              Optional: message({ elem_type: opt('TypeProto', 1) }),
              SparseTensor: message({ elem_type: opt('int32', 1), shape: opt('TensorShapeProto', 2) }),
            },
          },
        ),
        OperatorSetIdProto: message({ domain: opt('string', 1), version: opt('int64', 2) }),
        FunctionProto: message({
          name: opt('string', 1),
          input: rep('string', 4),
          output: rep('string', 5),
          attribute: rep('string', 6),
          attribute_proto: rep('AttributeProto', 11),
          node: rep('NodeProto', 7),
          doc_string: opt('string', 8),
          opset_import: rep('OperatorSetIdProto', 9),
          domain: opt('string', 10),
          overload: opt('string', 13),
          value_info: rep('ValueInfoProto', 12),
          metadata_props: rep('StringStringEntryProto', 14),
        }),
      },
    },
  },
};
