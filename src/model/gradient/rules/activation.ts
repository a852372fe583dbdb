import { attr, floatAttribute } from '../../onnx/attributes';
import { DataType } from '../../onnx/types';
import type { BackwardGraph } from '../backwardGraph';
import { hasInput, type GradientRule } from './rule';

/** dY where the boolean mask holds, 0 elsewhere (Where: onnxruntime's bool-to-float Cast is slow). */
export function masked(b: BackwardGraph, mask: string, dY: string): string {
  return b.op1('Where', [mask, dY, b.scalar(0)]);
}

/**
 * dY where a non-negative forward tensor y is positive, 0 where it is 0. A float16 y (as the forward run gives it)
 * multiplies dY by Sign(y) in {0, 1}: onnxruntime's half kernels make that cheaper than widening y to compare it.
 */
export function wherePositive(b: BackwardGraph, y: string, dY: string): string {
  if (b.info(y).type !== 'float16') return masked(b, b.op1('Greater', [b.ref(y), b.scalar(0)]), dY);
  return b.op1('Mul', [dY, b.op1('Cast', [b.op1('Sign', [b.feed(y)])], { to: attr.int(DataType.FLOAT) })]);
}

/** y = max(x, 0): passes where y > 0; as it is when dY already vanishes wherever y <= 0 (see reluMasked). */
export const relu: GradientRule = {
  backward: ({ node }, dY, b) => {
    const y = node.output[0];
    return [b.gatedBy(dY, y) ? dY : wherePositive(b, y, dY)];
  },
};

/**
 * Whether all of a forward tensor's gradient is multiplied by [tensor > 0] on its way back to the input: a ReLU
 * output (the ReLU masks the sum of what reaches it), a Concat of such tensors (its gradient only goes on, in
 * slices, to its inputs) or an Identity or inference Dropout of one. A rule may then zero its contribution wherever
 * the tensor is 0 without changing the result, at whatever resolution is cheapest, and mark it (BackwardGraph.gate)
 * so that the ReLU skips its mask.
 */
export function reluMasked(b: BackwardGraph, tensor: string): boolean {
  const producer = b.producer(tensor);
  if (!producer || (producer.domain && producer.domain !== 'ai.onnx')) return false;
  switch (producer.op_type) {
    case 'Relu':
      return true;
    case 'Concat':
      return producer.input.every((name) => reluMasked(b, name));
    case 'Identity':
    case 'Dropout':
      return producer.output[0] === tensor && reluMasked(b, producer.input[0]);
    default:
      return false;
  }
}

/**
 * An input gradient dX of a tensor x that reaches ReLUs only through Concat and Identity (reluMasked), masked here
 * when dX is all of x's gradient (x has no other reader): one mask over x, read once, instead of one per ReLU output
 * (which the backward pass then need not read at all, nor the forward pass give out of onnxruntime's blocked layout).
 */
export function gatedAtReader(b: BackwardGraph, x: string, dX: string): string {
  if (b.readerCount(x) !== 1 || !reluMasked(b, x)) return dX;
  const gated = wherePositive(b, x, dX);
  b.gate(gated, x);
  return gated;
}

/** y = x (x >= 0), alpha x (x < 0): slope 1 or alpha, read from x's sign (y's sign when alpha > 0). */
export const leakyRelu: GradientRule = {
  backward: ({ node }, dY, b) => {
    const alpha = floatAttribute(node, 'alpha', 0.01);
    const signed = b.ref(alpha > 0 ? node.output[0] : node.input[0]);
    const slope = b.op1('Where', [b.op1('Greater', [signed, b.scalar(0)]), b.scalar(1), b.scalar(alpha)]);
    return [b.op1('Mul', [dY, slope])];
  },
};

/**
 * Clip passes the gradient strictly between its bounds: attributes before opset 11, optional inputs after. The mask
 * is read off the output (lo < clip(x) < hi exactly when lo < x < hi), which a quantized model's float twin can feed.
 */
export const clip: GradientRule = {
  check: ({ opset, active }) => (opset >= 11 && (active(1) || active(2)) ? 'Clip bounds that depend on the input' : undefined),
  backward: ({ node, opset }, dY, b) => {
    const y = b.ref(node.output[0]);
    let lower: string | undefined;
    let upper: string | undefined;
    if (opset < 11) {
      lower = b.scalar(floatAttribute(node, 'min', -3.4028234663852886e38));
      upper = b.scalar(floatAttribute(node, 'max', 3.4028234663852886e38));
    } else {
      lower = hasInput(node, 1) ? b.ref(node.input[1]) : undefined;
      upper = hasInput(node, 2) ? b.ref(node.input[2]) : undefined;
    }
    const conditions = [
      ...(lower ? [b.op1('Greater', [y, lower])] : []),
      ...(upper ? [b.op1('Less', [y, upper])] : []),
    ];
    if (conditions.length === 0) return [dY];
    const mask = conditions.length === 2 ? b.op1('And', conditions) : conditions[0];
    return [masked(b, mask, dY)];
  },
};

/** y' = y (1 - y). */
export const sigmoid: GradientRule = {
  backward: ({ node }, dY, b) => {
    const y = b.ref(node.output[0]);
    return [b.op1('Mul', [dY, b.op1('Mul', [y, b.op1('Sub', [b.scalar(1), y])])])];
  },
};

/** y' = 1 - y^2. */
export const tanh: GradientRule = {
  backward: ({ node }, dY, b) => {
    const y = b.ref(node.output[0]);
    return [b.op1('Mul', [dY, b.op1('Sub', [b.scalar(1), b.op1('Mul', [y, y])])])];
  },
};

/** y = max(0, min(1, alpha x + beta)): slope alpha where 0 < alpha x + beta < 1. */
export const hardSigmoid: GradientRule = {
  backward: ({ node }, dY, b) => {
    const alpha = floatAttribute(node, 'alpha', 0.2);
    const beta = floatAttribute(node, 'beta', 0.5);
    const t = b.op1('Add', [b.op1('Mul', [b.ref(node.input[0]), b.scalar(alpha)]), b.scalar(beta)]);
    const inside = b.op1('And', [b.op1('Greater', [t, b.scalar(0)]), b.op1('Less', [t, b.scalar(1)])]);
    return [masked(b, inside, b.op1('Mul', [dY, b.scalar(alpha)]))];
  },
};

/** y = x max(0, min(1, x/6 + 1/2)): slope 0 below -3, 1 above 3, x/3 + 1/2 between. */
export const hardSwish: GradientRule = {
  backward: ({ node }, dY, b) => {
    const x = b.ref(node.input[0]);
    const middle = b.op1('Add', [b.op1('Mul', [x, b.scalar(1 / 3)]), b.scalar(0.5)]);
    const upper = b.op1('Where', [b.op1('Greater', [x, b.scalar(3)]), b.scalar(1), middle]);
    const slope = b.op1('Where', [b.op1('Less', [x, b.scalar(-3)]), b.scalar(0), upper]);
    return [b.op1('Mul', [dY, slope])];
  },
};
