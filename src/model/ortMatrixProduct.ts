import type * as Ort from 'onnxruntime-node';
import { ort } from './ort';
import { checkProductShapes, type MatrixProduct } from '../core/linalg/matrixProduct';
import { attr } from './onnx/attributes';
import { GraphBuilder } from './onnx/builder';

/** A MatrixProduct backed by one onnxruntime session; dispose() releases the session. */
export type OrtMatrixProduct = MatrixProduct & {
  readonly float32: NonNullable<MatrixProduct['float32']>;
  readonly gram32: NonNullable<MatrixProduct['gram32']>;
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

/** The one-node model: G[m, m] = Gemm(A, A, transB = 1) = A A^T, float32 (MLAS reads the transposed operand in place). */
function gramModel(): Uint8Array {
  return new GraphBuilder()
    .input('A', 'float32', ['m', 'k'])
    .node('Gemm', ['A', 'A'], ['G'], { transB: attr.int(1) })
    .output('G', 'float32', ['m', 'm'])
    .toBytes({ graphName: 'gram' });
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
  const sessions = new Map<'MatMul' | 'Gemm', Promise<Ort.InferenceSession>>();
  let disposed = false;
  const open = (op: 'MatMul' | 'Gemm'): Promise<Ort.InferenceSession> => {
    if (disposed) return Promise.reject(new Error('ortMatrixProduct: used after dispose()'));
    let session = sessions.get(op);
    if (!session) {
      session = ort()
        .InferenceSession.create(op === 'MatMul' ? matMulModel() : gramModel(), sessionOptions)
        .catch((err: unknown) => {
          sessions.delete(op);
          throw new Error(`onnxruntime could not create the ${op} session: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        });
      sessions.set(op, session);
    }
    return session;
  };
  const result = (c: Ort.Tensor, rows: number, cols: number, op: string): Float64Array => {
    if (c.type !== 'float32' || c.data.length !== rows * cols) throw new Error(`ortMatrixProduct: ${op} returned ${c.type} [${c.dims.join(', ')}], expected float32 [${rows}, ${cols}]`);
    return new Float64Array(c.data as Float32Array);
  };
  const float32 = async (a: Float32Array, b: Float32Array, m: number, k: number, n: number): Promise<Float64Array> => {
    checkProductShapes(a, b, m, k, n);
    if (m === 0 || n === 0 || k === 0) return new Float64Array(m * n);
    const s = await open('MatMul');
    const out = await s.run({ A: new (ort().Tensor)('float32', a, [m, k]), B: new (ort().Tensor)('float32', b, [k, n]) });
    return result(out.C, m, n, 'MatMul');
  };
  const gram32 = async (a: Float32Array, m: number, k: number): Promise<Float64Array> => {
    checkProductShapes(a, new Float32Array(0), m, k, 0);
    if (m === 0 || k === 0) return new Float64Array(m * m);
    const s = await open('Gemm');
    return result((await s.run({ A: new (ort().Tensor)('float32', a, [m, k]) })).G, m, m, 'Gemm');
  };
  const product = async (a: Float64Array, b: Float64Array, m: number, k: number, n: number): Promise<Float64Array> => {
    checkProductShapes(a, b, m, k, n);
    return float32(new Float32Array(a), new Float32Array(b), m, k, n);
  };
  const dispose = async (): Promise<void> => {
    disposed = true;
    const open = [...sessions.values()];
    sessions.clear();
    await Promise.all(open.map((s) => s.then((session) => session.release(), () => undefined)));
  };
  return Object.assign(product, { float32, gram32, dispose });
}
