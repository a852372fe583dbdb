import * as ort from 'onnxruntime-node';
import { createRng, type Rng } from '../../../../src/core/rng';
import { GraphGradient } from '../../../../src/model/gradient/graphGradient';
import { encodeModel } from '../../../../src/model/onnx/codec';
import { runtimeInputs } from '../../../../src/model/onnx/graph';
import { DataType, type ModelProto } from '../../../../src/model/onnx/types';
import { fromOrtTensor, toOrtTensor } from '../../../../src/model/ortTensors';

export interface CheckOptions {
  readonly directions?: number;
  /** Central-difference step along a direction with entries in [-1, 1]. */
  readonly step?: number;
  /** Input values (default uniform in [-1, 1]). */
  readonly input?: (rng: Rng, index: number) => number;
  readonly dynamicBatch?: boolean;
}

export interface CheckResult {
  /**
   * Per direction: |fd - g.u| / max(|g.u|, s / 10), s = ||g|| ||u|| / sqrt(D) the typical size of g.u over random
   * directions (a direction nearly orthogonal to g by chance is measured against a tenth of that).
   */
  readonly errors: number[];
}

/**
 * The graph gradient of L(x) = r . f(x), r a fixed random cotangent, against Richardson-extrapolated central
 * differences (4 D(h/2) - D(h)) / 3 of the model itself along random directions, losses summed in float64.
 */
export async function checkGradient(model: ModelProto, inputDims: readonly number[], options: CheckOptions = {}): Promise<CheckResult> {
  const rng = createRng(7);
  const graph = model.graph!;
  const input = runtimeInputs(graph)[0];
  const dtype = input.type?.tensor_type?.elem_type === DataType.FLOAT16 ? 'float16' : 'float32';
  const size = inputDims.reduce((n, d) => n * d, 1);
  const draw = options.input ?? ((r: Rng) => 2 * r.next() - 1);
  const x = Float32Array.from({ length: size }, (_, i) => draw(rng, i));
  const outputName = graph.output[0].name!;
  const gg = await GraphGradient.create(model, {
    inputName: input.name!,
    outputName,
    inputDtype: dtype,
    inputDims,
    dynamicBatch: options.dynamicBatch ?? false,
  });
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    const batch = inputDims[0];
    const items = Array.from({ length: batch }, (_, i) => x.subarray((i * size) / batch, ((i + 1) * size) / batch));
    const cotangents: Float32Array[] = [];
    const { gradients } = await gg.vjp(items, (row) => {
      cotangents.push(Float32Array.from(row, () => 2 * rng.next() - 1));
      return cotangents[cotangents.length - 1];
    });
    const g = concat(gradients);
    const r = concat(cotangents);
    const objective = async (v: Float32Array): Promise<number> => {
      const out = await session.run({ [input.name!]: toOrtTensor(v, dtype, inputDims) }, [outputName]);
      const y = fromOrtTensor(out[outputName]);
      let s = 0;
      for (let i = 0; i < y.length; i++) s += r[i] * y[i];
      return s;
    };
    const h = options.step ?? 1e-2;
    const errors: number[] = [];
    let gNorm = 0;
    for (const v of g) gNorm += v * v;
    for (let d = 0; d < (options.directions ?? 3); d++) {
      const u = Float64Array.from({ length: size }, () => 2 * rng.next() - 1);
      const central = async (step: number): Promise<number> => {
        const plus = Float32Array.from(x, (xi, i) => xi + step * u[i]);
        const minus = Float32Array.from(x, (xi, i) => xi - step * u[i]);
        return ((await objective(plus)) - (await objective(minus))) / (2 * step);
      };
      const fd = (4 * (await central(h / 2)) - (await central(h))) / 3;
      let gu = 0;
      let uNorm = 0;
      for (let i = 0; i < size; i++) {
        gu += g[i] * u[i];
        uNorm += u[i] * u[i];
      }
      errors.push(Math.abs(fd - gu) / Math.max(Math.abs(gu), Math.sqrt((gNorm * uNorm) / size) / 10));
    }
    return { errors };
  } finally {
    await Promise.all([gg.release(), session.release()]);
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
