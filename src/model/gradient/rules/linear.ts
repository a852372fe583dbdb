import { attr, floatAttribute, intAttribute } from '../../onnx/attributes';
import type { BackwardGraph } from '../backwardGraph';
import { RuleError } from '../unsupported';
import { unbroadcast } from './broadcast';
import { hasInput, type GradientRule } from './rule';

/**
 * Y = alpha A' B' + beta C with A' = transA ? A^T : A, B' likewise. dA' = alpha dY B'^T and dB' = alpha A'^T dY,
 * transposed back when the operand was transposed; dC = beta dY summed over C's broadcast axes.
 */
export const gemm: GradientRule = {
  parameterInputs: 'all',
  backward: ({ node, active }, dY, b) => {
    const alpha = floatAttribute(node, 'alpha', 1);
    const beta = floatAttribute(node, 'beta', 1);
    const transA = intAttribute(node, 'transA', 0);
    const transB = intAttribute(node, 'transB', 0);
    const gemmOf = (left: string, right: string, tA: number, tB: number): string =>
      b.op1('Gemm', [left, right], { alpha: attr.float(alpha), transA: attr.int(tA), transB: attr.int(tB) });
    const [A, B] = [node.input[0], node.input[1]];
    let dA: string | undefined;
    let dB: string | undefined;
    let dC: string | undefined;
    if (active(0)) dA = transA ? gemmOf(b.ref(B), dY, transB, 1) : gemmOf(dY, b.ref(B), 0, 1 - transB);
    if (active(1)) dB = transB ? gemmOf(dY, b.ref(A), 1, transA) : gemmOf(b.ref(A), dY, 1 - transA, 0);
    if (hasInput(node, 2) && active(2)) {
      const scaled = beta === 1 ? dY : b.op1('Mul', [dY, b.scalar(beta)]);
      dC = unbroadcast(b, scaled, b.info(node.output[0]), b.info(node.input[2]));
    }
    return [dA, dB, dC];
  },
};

/** Swaps the last two axes. */
function transposeLast(b: BackwardGraph, t: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return b.op1('Transpose', [t], { perm: attr.ints(perm) });
}

/** Y = A B with numpy batch broadcasting: dA = dY B^T, dB = A^T dY, each summed over its broadcast batch axes. */
export const matMul: GradientRule = {
  parameterInputs: 'all',
  backward: ({ node, active }, dY, b) => {
    const a = b.info(node.input[0]);
    const bInfo = b.info(node.input[1]);
    const y = b.info(node.output[0]);
    if (a.dims.length < 2 || bInfo.dims.length < 2) throw new RuleError('MatMul with a 1-D operand');
    const rank = y.dims.length;
    const withLast = (dims: readonly number[], m: number, n: number): number[] => [...dims.slice(0, -2), m, n];
    let dA: string | undefined;
    let dB: string | undefined;
    if (active(0)) {
      const product = b.op1('MatMul', [dY, transposeLast(b, b.ref(node.input[1]), bInfo.dims.length)]);
      const k = a.dims[a.dims.length - 1];
      const dims = { dims: withLast(y.dims, y.dims[rank - 2], k), dimsAlt: withLast(y.dimsAlt, y.dimsAlt[rank - 2], k) };
      dA = unbroadcast(b, product, dims, a, rank - 2);
    }
    if (active(1)) {
      const product = b.op1('MatMul', [transposeLast(b, b.ref(node.input[0]), a.dims.length), dY]);
      const k = bInfo.dims[bInfo.dims.length - 2];
      const dims = { dims: withLast(y.dims, k, y.dims[rank - 1]), dimsAlt: withLast(y.dimsAlt, k, y.dimsAlt[rank - 1]) };
      dB = unbroadcast(b, product, dims, bInfo, rank - 2);
    }
    return [dA, dB];
  },
};
