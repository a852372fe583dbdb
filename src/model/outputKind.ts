import { producers } from './onnx/graph';
import type { GraphProto } from './onnx/types';
import type { OutputKind } from '../core/outputs/classifier';

export interface OutputKindDecision {
  readonly kind: OutputKind;
  readonly reason: string;
}

/** Ops that move values without changing them: a Softmax before them still makes the output probabilities. */
const VALUE_PRESERVING = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout', 'Cast']);

/**
 * Decides from the graph: the output is probabilities when it comes from a Softmax through value-preserving ops
 * only; LogSoftmax gives log-probabilities, which cross-entropy treats as logits. undefined when inconclusive.
 */
export function outputKindFromGraph(graph: GraphProto, outputName: string): OutputKindDecision | undefined {
  const producedBy = producers(graph);
  const path: string[] = [];
  let node = producedBy.get(outputName);
  while (node && VALUE_PRESERVING.has(node.op_type ?? '')) {
    path.push(node.op_type!);
    node = producedBy.get(node.input[0]);
  }
  if (!node) return undefined;
  const through = path.length > 0 ? ` (then ${path.reverse().join(', ')})` : '';
  if (node.op_type === 'Softmax') {
    return { kind: 'probabilities', reason: `the output comes from a Softmax node${through}` };
  }
  if (node.op_type === 'LogSoftmax') {
    return { kind: 'logits', reason: `the output comes from a LogSoftmax node${through}: log-probabilities act as logits` };
  }
  return undefined;
}

/**
 * Decides from probe outputs (one row per image): probabilities when every row lies in [0, 1] and sums to 1
 * within the output precision's tolerance, logits otherwise.
 */
export function outputKindFromRows(rows: readonly Float32Array[], tolerance: number): OutputKindDecision {
  let worst = 0;
  for (const row of rows) {
    let sum = 0;
    for (const v of row) {
      if (!(v >= -tolerance && v <= 1 + tolerance)) {
        return { kind: 'logits', reason: `no Softmax at the end of the graph and a probe run gave ${v.toPrecision(4)}, outside [0, 1]` };
      }
      sum += v;
    }
    worst = Math.max(worst, Math.abs(sum - 1));
  }
  if (worst <= tolerance) {
    return { kind: 'probabilities', reason: `no Softmax found in the graph, but probe runs gave rows in [0, 1] summing to 1 (within ${worst.toExponential(1)})` };
  }
  return { kind: 'logits', reason: `no Softmax at the end of the graph and probe rows do not sum to 1 (off by ${worst.toPrecision(3)})` };
}
