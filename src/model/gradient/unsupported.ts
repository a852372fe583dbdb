import type { NodeProto } from '../onnx/types';

/** A node the gradient graph cannot go through, named as the user would find it in the model. */
export interface UnsupportedNode {
  readonly op: string;
  readonly node: string;
  readonly reason: string;
}

/** The node's name, or its position and first output when the model leaves it unnamed. */
export function nodeLabel(node: NodeProto, index: number): string {
  return node.name ? node.name : `#${index} (output '${node.output[0] ?? ''}')`;
}

/** Raised by a gradient rule while building when a node's attributes or shapes are outside what it handles. */
export class RuleError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RuleError';
  }
}

/** The model has operators without a gradient rule: the analysis falls back to finite differences. */
export class GradientUnsupportedError extends Error {
  readonly unsupported: readonly UnsupportedNode[];

  constructor(unsupported: readonly UnsupportedNode[]) {
    const list = unsupported.map((u) => `${u.op} (node ${u.node}: ${u.reason})`).join('; ');
    super(`the gradient graph cannot be built: ${list}. The analysis falls back to finite differences.`);
    this.name = 'GradientUnsupportedError';
    this.unsupported = unsupported;
  }
}
