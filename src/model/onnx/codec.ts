import type * as Protobuf from 'protobufjs';
import { ONNX_SCHEMA } from './schema';
import type { ModelProto } from './types';

let modelType: Protobuf.Type | undefined;

/** The ModelProto message type, built from the schema on first use (not when the engine starts: see model/ort.ts). */
function ModelType(): Protobuf.Type {
  modelType ??= (require('protobufjs') as typeof Protobuf).Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');
  return modelType;
}

/** Decodes ONNX protobuf bytes into plain objects (int64 as number, bytes as Uint8Array, repeated fields as arrays). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const message = ModelType().decode(bytes);
  return ModelType().toObject(message, { longs: Number, arrays: true, enums: Number }) as ModelProto;
}

/** Encodes a ModelProto (decoded or built) to protobuf bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  return ModelType().encode(model as unknown as Record<string, unknown>).finish();
}
