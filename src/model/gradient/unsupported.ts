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

/** The model has operators without a gradient rule (or outside what a rule handles). */
export class GradientUnsupportedError extends Error {
  readonly unsupported: readonly UnsupportedNode[];

  constructor(unsupported: readonly UnsupportedNode[]) {
    super(`the gradient graph cannot be built: ${summarizeUnsupported(unsupported)}`);
    this.name = 'GradientUnsupportedError';
    this.unsupported = unsupported;
  }
}

/** Nodes named in a message per operator and reason, beyond which only their count is given. */
const NAMED_NODES = 2;

/**
 * One entry per operator type and reason, with its node count and the first node names:
 * "QLinearConv x 52 (nodes conv_1, conv_2, ...: no gradient rule for this operator)".
 */
export function summarizeUnsupported(unsupported: readonly UnsupportedNode[]): string {
  const groups = new Map<string, UnsupportedNode[]>();
  for (const u of unsupported) {
    const key = `${u.op}\u0000${u.reason}`;
    const list = groups.get(key);
    if (list) list.push(u);
    else groups.set(key, [u]);
  }
  const types = new Set(unsupported.map((u) => u.op)).size;
  const entries = [...groups.values()].map((nodes) => {
    const names = nodes.slice(0, NAMED_NODES).map((u) => u.node).join(', ') + (nodes.length > NAMED_NODES ? ', ...' : '');
    return `${nodes[0].op} x ${nodes.length} (node${nodes.length > 1 ? 's' : ''} ${names}: ${nodes[0].reason})`;
  });
  return `${types} operator type${types > 1 ? 's' : ''} without a usable gradient rule: ${entries.join('; ')}`;
}
