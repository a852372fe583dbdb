/** How a classifier's output row is read: raw scores (softmax applied here) or probabilities already. */
export type OutputKind = 'logits' | 'probabilities';

/** Smallest probability used inside a logarithm: float16 models can output exact zeros. */
export const PROBABILITY_FLOOR = 1e-12;

/** Class probabilities of one output row. */
export function probabilities(row: ArrayLike<number>, kind: OutputKind): Float64Array {
  if (kind === 'probabilities') return Float64Array.from(row);
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]);
  const out = new Float64Array(row.length);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += out[i] = Math.exp(row[i] - max);
  for (let i = 0; i < row.length; i++) out[i] /= sum;
  return out;
}

/** Cross-entropy against the target: -log softmax(z)[t] for logits, -log p[t] for probabilities. */
export function crossEntropy(row: ArrayLike<number>, kind: OutputKind, target: number): number {
  if (kind === 'probabilities') return -Math.log(Math.max(row[target], PROBABILITY_FLOOR));
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  return Math.log(sum) + max - row[target];
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** KL(p || q) = sum p log(p / q). */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0) kl += p[i] * Math.log(p[i] / Math.max(q[i], PROBABILITY_FLOOR));
  }
  return kl;
}

/** Checks a row for NaN or infinity, naming where it came from. */
export function assertFinite(row: ArrayLike<number>, what: string): void {
  for (let i = 0; i < row.length; i++) {
    if (!Number.isFinite(row[i])) throw new Error(`${what}: the model output ${row[i]} at class ${i} (NaN or infinite)`);
  }
}
