import { materializedSize } from '../augment/lazyFamily';
import { outcomeCount, pointMixture, type Mixture } from '../augment/mixture';
import { separableMarginals } from '../augment/offsets';
import type { Step } from '../augment/step';
import { createImage } from '../image';

/** Limits of an exact outcome set: past them the moments come from the randomized lattice rule instead. */
export interface EnumerationBudget {
  readonly outcomes: number;
  /** Values held by the canvases of the outcome set. */
  readonly values: number;
}

/** 200,000 outcomes, 10^8 canvas values (400 MB of float32). */
export const DEFAULT_ENUMERATION_BUDGET: EnumerationBudget = { outcomes: 200_000, values: 1e8 };

/**
 * Why lifting `m` through the step could pass the budget, or null when it cannot. Decided before the lift from the
 * step's structure, which does not depend on pixel values: what it makes of one blank outcome (outcomes, canvases,
 * values) and whether it splits a family of two windows into one family per window (padding a window is not a
 * window of the padded canvas). Bounds, not counts: merges of identical outcomes can only lower them. The values
 * actually held are checked again after each lift (heldPastBudget).
 */
export function passesBudget(step: Step, m: Mixture, budget: EnumerationBudget): string | null {
  const { channels, height, width } = step.inputShape;
  const one = step.lift(pointMixture(createImage(channels, height, width)));
  const pair = step.lift({
    shape: step.inputShape,
    families: [{ weight: 1, base: createImage(channels, height + 1, width + 1), offsets: { dy: Int32Array.of(0, 1), dx: Int32Array.of(0, 1), p: Float64Array.of(0.5, 0.5) } }],
  });
  const splits = pair.families.length > one.families.length;
  const n = outcomeCount(m);
  const outcomes = n * outcomeCount(one);
  // A constant-padded crop keeps up to four cut variants of a window (each side that shows) beside the uncut canvas.
  const values = (splits ? 4 * n * materializedSize(one) : 0) + materializedSize(m) * one.families.length;
  if (outcomes > budget.outcomes) {
    return `${step.label} would make up to ${outcomes.toLocaleString('en-US')} outcomes, past the limit of ${budget.outcomes.toLocaleString('en-US')} for exact enumeration`;
  }
  if (values > budget.values) {
    return `${step.label} would hold up to ${values.toExponential(1)} canvas values, past the limit of ${budget.values.toExponential(1)} for exact enumeration`;
  }
  return null;
}

/** Why an outcome set holds more canvas values than the budget allows, or null. */
export function heldPastBudget(label: string, m: Mixture, budget: EnumerationBudget): string | null {
  const values = materializedSize(m);
  return values > budget.values ? `${label} made ${values.toExponential(1)} canvas values, past the limit of ${budget.values.toExponential(1)} for exact enumeration` : null;
}

/**
 * Estimated multiply-adds of the exact per-pixel moments (pixelMoments): a family whose offset law factorises is a few
 * passes over its canvas (separable box sums), any other family one pass over the output per offset.
 */
export function pixelMomentsCost(m: Mixture): number {
  const d = m.shape.channels * m.shape.height * m.shape.width;
  return m.families.reduce((s, f) => {
    const canvas = f.base.channels * f.base.height * f.base.width;
    return s + 2 * (separableMarginals(f.offsets) ? 4 * canvas : f.offsets.p.length * d);
  }, 0);
}
