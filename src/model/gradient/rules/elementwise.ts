import { intAttribute } from '../../onnx/attributes';
import { unbroadcast } from './broadcast';
import type { GradientRule, NodeContext } from './rule';

/** Opsets before 7 broadcast only with the legacy `broadcast`/`axis` attributes, aligned differently. */
function legacyBroadcast(c: NodeContext): string | undefined {
  return c.opset < 7 && intAttribute(c.node, 'broadcast', 0) === 1 ? 'legacy broadcast attribute (opset < 7)' : undefined;
}

export const add: GradientRule = {
  parameterInputs: 'all',
  check: legacyBroadcast,
  backward: ({ node, active }, dY, b) => {
    const y = b.info(node.output[0]);
    return [0, 1].map((i) => (active(i) ? unbroadcast(b, dY, y, b.info(node.input[i])) : undefined));
  },
};

export const sub: GradientRule = {
  parameterInputs: 'all',
  check: legacyBroadcast,
  backward: ({ node, active }, dY, b) => {
    const y = b.info(node.output[0]);
    return [
      active(0) ? unbroadcast(b, dY, y, b.info(node.input[0])) : undefined,
      active(1) ? unbroadcast(b, b.op1('Neg', [dY]), y, b.info(node.input[1])) : undefined,
    ];
  },
};

export const mul: GradientRule = {
  parameterInputs: 'all',
  check: legacyBroadcast,
  backward: ({ node, active }, dY, b) => {
    const y = b.info(node.output[0]);
    return [0, 1].map((i) =>
      active(i) ? unbroadcast(b, b.op1('Mul', [dY, b.ref(node.input[1 - i])]), y, b.info(node.input[i])) : undefined,
    );
  },
};

/** y = a / b: da = dY / b, db = -dY a / b^2. */
export const div: GradientRule = {
  parameterInputs: 'all',
  check: legacyBroadcast,
  backward: ({ node, active }, dY, b) => {
    const y = b.info(node.output[0]);
    const denominator = b.ref(node.input[1]);
    const ga = active(0) ? unbroadcast(b, b.op1('Div', [dY, denominator]), y, b.info(node.input[0])) : undefined;
    let gb: string | undefined;
    if (active(1)) {
      const numerator = b.op1('Mul', [dY, b.ref(node.input[0])]);
      const quotient = b.op1('Div', [numerator, b.op1('Mul', [denominator, denominator])]);
      gb = unbroadcast(b, b.op1('Neg', [quotient]), y, b.info(node.input[1]));
    }
    return [ga, gb];
  },
};

export const sum: GradientRule = {
  parameterInputs: 'all',
  backward: ({ node, active }, dY, b) => {
    const y = b.info(node.output[0]);
    return node.input.map((name, i) => (active(i) ? unbroadcast(b, dY, y, b.info(name)) : undefined));
  },
};
