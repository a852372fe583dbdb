import type * as Ort from 'onnxruntime-node';
import { ort } from './ort';
import { checkProductShapes, type MatrixProduct } from '../core/linalg/matrixProduct';
import { GraphBuilder } from './onnx/builder';

/** A MatrixProduct backed by one onnxruntime session; dispose() releases the session. */
export type OrtMatrixProduct = MatrixProduct & {
  readonly float32: NonNullable<MatrixProduct['float32']>;
  readonly dispose: () => Promise<void>;
};

/** The one-node model: C[m, n] = MatMul(A[m, k], B[k, n]), float32, every dim symbolic. */
function matMulModel(): Uint8Array {
  return new GraphBuilder()
    .input('A', 'float32', ['m', 'k'])
    .input('B', 'float32', ['k', 'n'])
    .node('MatMul', ['A', 'B'], ['C'])
    .output('C', 'float32', ['m', 'n'])
    .toBytes({ graphName: 'matrix_product' });
}

/**
 * C = A B with onnxruntime's MatMul (MLAS sgemm on the CPU, multi-threaded): the float64 operands are rounded to
 * float32 (`float32` takes float32 operands as they are), the product is accumulated in float32 and returned as
 * float64. The session is created on the first call and reused; a run does not block the JavaScript thread, so
 * callers can prepare the next operands meanwhile. `threads` sets intraOpNumThreads (default: onnxruntime's
 * choice, one per core). dispose() releases the session; later calls reject.
 */
export function ortMatrixProduct(threads?: number): OrtMatrixProduct {
  // Callers alternate building operands in JavaScript with products: idle pool threads sleep instead of spinning,
  // which would take a core from the JavaScript thread between products.
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    ...(threads ? { intraOpNumThreads: threads } : {}),
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  let session: Promise<Ort.InferenceSession> | undefined;
  let disposed = false;
  const open = (): Promise<Ort.InferenceSession> => {
    if (disposed) return Promise.reject(new Error('ortMatrixProduct: used after dispose()'));
    session ??= ort().InferenceSession.create(matMulModel(), sessionOptions).catch((err: unknown) => {
      session = undefined;
      throw new Error(`onnxruntime could not create the MatMul session: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    return session;
  };
  const float32 = async (a: Float32Array, b: Float32Array, m: number, k: number, n: number): Promise<Float64Array> => {
    checkProductShapes(a, b, m, k, n);
    if (m === 0 || n === 0 || k === 0) return new Float64Array(m * n);
    const s = await open();
    const out = await s.run({ A: new (ort().Tensor)('float32', a, [m, k]), B: new (ort().Tensor)('float32', b, [k, n]) });
    const c = out.C;
    if (c.type !== 'float32' || c.data.length !== m * n) throw new Error(`ortMatrixProduct: MatMul returned ${c.type} [${c.dims.join(', ')}], expected float32 [${m}, ${n}]`);
    return new Float64Array(c.data as Float32Array);
  };
  const product = async (a: Float64Array, b: Float64Array, m: number, k: number, n: number): Promise<Float64Array> => {
    checkProductShapes(a, b, m, k, n);
    return float32(new Float32Array(a), new Float32Array(b), m, k, n);
  };
  const dispose = async (): Promise<void> => {
    disposed = true;
    const s = session;
    session = undefined;
    if (s) await s.then((open) => open.release(), () => undefined);
  };
  return Object.assign(product, { float32, dispose });
}
