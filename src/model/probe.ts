import type { InferenceSession } from 'onnxruntime-node';
import { createRng } from '../core/rng';
import type { ImageGeometry } from './imageInput';
import { FREE_INPUT_SIDE } from './preprocess';
import { fromOrtTensor, toOrtTensor, type ModelDtype } from './ortTensors';

/**
 * Runs the model on two synthetic inputs in model space (all 0.5, and uniform noise in [0, 1]) and returns the
 * first output of each, one row per input.
 */
export async function probeRows(
  session: InferenceSession,
  inputName: string,
  outputName: string,
  dtype: ModelDtype,
  geometry: ImageGeometry,
): Promise<Float32Array[]> {
  const h = geometry.height ?? FREE_INPUT_SIDE;
  const w = geometry.width ?? FREE_INPUT_SIDE;
  const c = geometry.channels;
  const dims = geometry.layout === 'NCHW' ? [geometry.fixedBatch, c, h, w] : [geometry.fixedBatch, h, w, c];
  const size = geometry.fixedBatch * c * h * w;
  const rng = createRng(20240517);
  const inputs = [new Float32Array(size).fill(0.5), Float32Array.from({ length: size }, () => rng.next())];
  const rows: Float32Array[] = [];
  for (const values of inputs) {
    const result = await session.run({ [inputName]: toOrtTensor(values, dtype, dims) }, [outputName]);
    const out = fromOrtTensor(result[outputName]);
    const per = out.length / geometry.fixedBatch;
    for (let b = 0; b < geometry.fixedBatch; b++) rows.push(out.subarray(b * per, (b + 1) * per));
  }
  return rows;
}
