/**
 * C = A B for row-major A (m x k) and B (k x n); C is m x n, row-major, float64.
 *
 * Implementations may compute in float32 (onnxruntime's MatMul does: operands rounded to float32 and products
 * accumulated in float32, about 1e-7 relative to the sum of the products' magnitudes); callers that need more must
 * use exactMatrixProduct. The operands are not modified, nor retained after the promise settles (callers may reuse
 * their buffers). An implementation that rounds to float32 anyway may also offer `float32`, the same product on
 * float32 operands, which spares the caller a float64 copy of large operands and the implementation its conversion.
 */
export type MatrixProduct = ((a: Float64Array, b: Float64Array, m: number, k: number, n: number) => Promise<Float64Array>) & {
  readonly float32?: (a: Float32Array, b: Float32Array, m: number, k: number, n: number) => Promise<Float64Array>;
  /** With `float32`: the Gram matrix A A^T (m x m) of a float32 A (m x k), without a transposed copy of A. */
  readonly gram32?: (a: Float32Array, m: number, k: number) => Promise<Float64Array>;
};

/** Throws when the operands' lengths do not match the stated sizes. */
export function checkProductShapes(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): void {
  for (const [name, v] of [['m', m], ['k', k], ['n', n]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`matrix product: ${name} = ${v} is not a size`);
  }
  if (a.length !== m * k) throw new Error(`matrix product: A has ${a.length} values, expected ${m}x${k} = ${m * k}`);
  if (b.length !== k * n) throw new Error(`matrix product: B has ${b.length} values, expected ${k}x${n} = ${k * n}`);
}

/** Plain TypeScript, float64 accumulation, i-k-j loop order (rows of B and C are walked contiguously). */
export const exactMatrixProduct: MatrixProduct = async (a, b, m, k, n) => {
  checkProductShapes(a, b, m, k, n);
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    const ai = i * k;
    for (let p = 0; p < k; p++) {
      const v = a[ai + p];
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += v * b[bp + j];
    }
  }
  return c;
};
