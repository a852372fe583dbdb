import type { NodeProto } from '../../onnx/types';
import type { BackwardGraph } from '../backwardGraph';

/** A forward node as a gradient rule sees it. */
export interface NodeContext {
  readonly node: NodeProto;
  /** The forward model's default-domain opset: attributes and inputs are read with that version's semantics. */
  readonly opset: number;
  /** Whether input i depends on the model input (its gradient is wanted). */
  active(i: number): boolean;
}

/** The reverse-mode rule of one operator type. */
export interface GradientRule {
  /** Why this node cannot be differentiated, from its attributes and active inputs alone; undefined when it can. */
  readonly check?: (c: NodeContext) => string | undefined;
  /**
   * Emits the vector-Jacobian product: given dY = dLoss/d(output 0), returns dLoss/d(input i) for each active input
   * (undefined elsewhere). May throw a RuleError when shapes turn out to be unsupported.
   */
  readonly backward: (c: NodeContext, dY: string, b: BackwardGraph) => (string | undefined)[];
  /**
   * The inputs whose gradient the rule also gives when they are constants (weights, biases: see parameters.ts),
   * by index, or 'all'; none when absent.
   */
  readonly parameterInputs?: readonly number[] | 'all';
}

/** Whether input i is present (optional inputs may be omitted or given as ''). */
export function hasInput(node: NodeProto, i: number): boolean {
  return (node.input[i] ?? '') !== '';
}

/** An axis attribute or value made non-negative. */
export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
