import { crossEntropy, probabilities, PROBABILITY_FLOOR, type OutputKind } from '../../core/outputs/classifier';

/**
 * What is differentiated: 'loss' is the cross-entropy against the target (-log p[t] for probability outputs, as
 * the model engine computes it); 'output' is the model's output value at index t (a logit or a probability);
 * 'probability' is softmax(output)[t] (the output itself for probability outputs).
 */
export type GradientKind = 'loss' | 'output' | 'probability';

export interface Objective {
  readonly value: number;
  /** dValue/dOutput, the seed of the backward pass. */
  readonly cotangent: Float32Array;
}

export function objective(row: Float32Array, outputKind: OutputKind, kind: GradientKind, target: number): Objective {
  if (!(Number.isInteger(target) && target >= 0 && target < row.length)) {
    throw new Error(`target ${target} is not an output index (the output has ${row.length} values)`);
  }
  const cotangent = new Float32Array(row.length);
  const probabilityOutput = outputKind === 'probabilities';
  if (kind === 'output' || (kind === 'probability' && probabilityOutput)) {
    cotangent[target] = 1;
    return { value: row[target], cotangent };
  }
  if (kind === 'probability') {
    // d p_t / d z_i = p_t (delta_ti - p_i)
    const p = probabilities(row, 'logits');
    for (let i = 0; i < row.length; i++) cotangent[i] = p[target] * ((i === target ? 1 : 0) - p[i]);
    return { value: p[target], cotangent };
  }
  if (probabilityOutput) {
    // -log max(p_t, floor): constant (zero gradient) below the floor.
    if (row[target] > PROBABILITY_FLOOR) cotangent[target] = -1 / row[target];
    return { value: crossEntropy(row, outputKind, target), cotangent };
  }
  // d/dz (logsumexp(z) - z_t) = softmax(z) - onehot(t)
  const p = probabilities(row, 'logits');
  for (let i = 0; i < row.length; i++) cotangent[i] = p[i] - (i === target ? 1 : 0);
  return { value: crossEntropy(row, outputKind, target), cotangent };
}
