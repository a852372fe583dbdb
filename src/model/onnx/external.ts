import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ModelError } from '../errors';
import { DataLocation, type GraphProto, type ModelProto, type TensorProto } from './types';

/** Where a tensor's bytes live when TensorProto.data_location is EXTERNAL (onnx.proto, `external_data`). */
export interface ExternalDataRef {
  readonly tensor: string;
  /** `location` as written in the model, relative to the model's folder. */
  readonly location: string;
  readonly path: string;
  readonly offset: number;
  /** Bytes to read; undefined means "to the end of the file". */
  readonly length: number | undefined;
}

export function isExternal(t: TensorProto): boolean {
  return t.data_location === DataLocation.EXTERNAL;
}

export function externalDataRef(t: TensorProto, baseDir: string): ExternalDataRef {
  const entries = new Map((t.external_data ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (!location) throw new ModelError('corrupt', `tensor '${t.name}' is stored externally but names no location`);
  const length = entries.get('length');
  return {
    tensor: t.name ?? '',
    location,
    path: isAbsolute(location) ? location : resolve(baseDir, location),
    offset: Number(entries.get('offset') ?? 0),
    length: length === undefined ? undefined : Number(length),
  };
}

/** Every tensor stored in the model: graph initializers and tensor attributes, including those of subgraphs. */
export function forEachTensor(model: ModelProto, visit: (t: TensorProto) => void): void {
  const walk = (g: GraphProto | undefined): void => {
    if (!g) return;
    g.initializer.forEach(visit);
    for (const sparse of g.sparse_initializer) {
      if (sparse.values) visit(sparse.values);
      if (sparse.indices) visit(sparse.indices);
    }
    for (const node of g.node) {
      for (const a of node.attribute) {
        if (a.t) visit(a.t);
        a.tensors?.forEach(visit);
        walk(a.g);
        a.graphs?.forEach(walk);
      }
    }
  };
  walk(model.graph);
}

/** Throws a ModelError naming the first external data file that is missing or too short. */
export function checkExternalData(model: ModelProto, baseDir: string, modelPath: string): void {
  forEachTensor(model, (t) => {
    if (!isExternal(t)) return;
    const ref = externalDataRef(t, baseDir);
    if (!existsSync(ref.path)) {
      throw new ModelError(
        'external-data-missing',
        `${modelPath}: external data file '${ref.location}' for tensor '${ref.tensor}' not found (looked for ${ref.path})`,
      );
    }
    const size = statSync(ref.path).size;
    const end = ref.offset + (ref.length ?? 0);
    if (end > size || ref.offset > size) {
      throw new ModelError(
        'external-data-missing',
        `${modelPath}: external data file '${ref.location}' holds ${size} bytes, tensor '${ref.tensor}' needs bytes ${ref.offset}..${end}`,
      );
    }
  });
}

export function readExternalData(ref: ExternalDataRef): Uint8Array {
  const fd = openSync(ref.path, 'r');
  try {
    const length = ref.length ?? statSync(ref.path).size - ref.offset;
    const out = new Uint8Array(length);
    const read = readSync(fd, out, 0, length, ref.offset);
    if (read !== length) throw new ModelError('external-data-missing', `${ref.path}: expected ${length} bytes at offset ${ref.offset}, read ${read}`);
    return out;
  } finally {
    closeSync(fd);
  }
}
