// Model-level moments of a policy with continuous parameters. The quadrature outcome set is evaluated at successive
// levels (each refines every rule once) until the last two refinements each moved E[loss] and Std[loss] by at most
// the tolerance (relative) and the flip rate by at most the tolerance (absolute), or the next level would pass the
// forward-pass budget. Two quiet refinements rather than one: the flip rate is a step function of the parameters and
// one refinement can leave it unchanged by chance. The last level's numbers are reported with the larger of the last
// two changes as their error estimate: the refine-once estimate of the image moments, carried to the model.
import type { CleanPrediction, OutputMoments } from '../../core/outputs/outputMoments';
import type { ForwardModel, Progress } from './forward';
import { stratified, weightedSum, type ModelMomentsResult, type SamplingSettings } from './modelMoments';
import type { OutcomeIndex } from './outcomeIndex';
import type { ModelQuadrature, QuadratureLevel } from './result';

/** Refinements tried at most (each doubles the nodes of every rule). */
const MAX_LEVELS = 8;

export interface QuadratureSettings extends SamplingSettings {
  /** Relative tolerance on E[loss] and Std[loss], absolute on the flip rate. */
  readonly tolerance: number;
}

/** `outcomesAt(level)`: the policy's quadrature outcome set at that level (0: the shared set of the image moments). */
export async function quadratureModelMoments(
  outcomesAt: (level: number) => OutcomeIndex,
  model: ForwardModel,
  clean: CleanPrediction,
  settings: QuadratureSettings,
  progress: Progress,
): Promise<ModelMomentsResult> {
  const { budget, tolerance } = settings;
  const first = outcomesAt(0);
  if (first.size > budget) {
    const sampled = await stratified(first, model, clean, settings, progress);
    return {
      ...sampled,
      note: `${sampled.note}; they estimate the quadrature rule's values, whose own error is not estimated (its ${first.size} nodes exceed the budget)`,
      quadrature: { levels: [], error: null },
    };
  }
  const levels: QuadratureLevel[] = [];
  let moments: OutputMoments | null = null;
  let spent = 0;
  let next: OutcomeIndex | null = first;
  let stop = '';
  for (let level = 0; next; level++) {
    const outcomes: OutcomeIndex = next;
    const done = spent;
    // Progress assumes this level and one refinement (twice the nodes) still to run.
    const estimate = spent + 3 * outcomes.size;
    moments = await weightedSum(outcomes, model, clean, (f, message) => progress(Math.min((done + f * outcomes.size) / estimate, 0.99), `quadrature level ${level}: ${message}`));
    spent += outcomes.size;
    levels.push({ nodes: outcomes.size, expectedLoss: moments.expectedLoss, stdLoss: moments.stdLoss, flipRate: moments.flipRate });
    next = null;
    if (levels.length >= 3 && converged(maxChange(levels.slice(-3)), levels[levels.length - 1], tolerance)) {
      stop = `converged to ${tolerance} over the last two refinements`;
    } else if (levels.length === MAX_LEVELS) {
      stop = `stopped after ${MAX_LEVELS} levels`;
    } else {
      const refined = outcomesAt(level + 1);
      if (spent + refined.size <= budget) next = refined;
      else stop = `the next refinement (${refined.size} nodes) would pass the forward-pass budget of ${budget}`;
    }
  }
  const error = levels.length >= 2 ? maxChange(levels.slice(-3)) : null;
  const nodes = levels.map((l) => l.nodes).join(', ');
  return {
    method: 'quadrature',
    note:
      `quadrature outcome sets of ${nodes} nodes evaluated, ${stop}; ` +
      (levels.length >= 3
        ? 'the error estimate is the largest change over the last two refinements'
        : error
          ? 'the error estimate is the change at the only refinement that fit (one refinement can agree by chance)'
          : 'the quadrature error is not estimated'),
    moments: moments!,
    lossHalfWidth: null,
    flipHalfWidth: null,
    quadrature: { levels, error },
  };
}

type Change = NonNullable<ModelQuadrature['error']>;

/** The largest change of each number between consecutive levels. */
function maxChange(levels: readonly QuadratureLevel[]): Change {
  const change = { expectedLoss: 0, stdLoss: 0, flipRate: 0 };
  for (let i = 1; i < levels.length; i++) {
    change.expectedLoss = Math.max(change.expectedLoss, Math.abs(levels[i].expectedLoss - levels[i - 1].expectedLoss));
    change.stdLoss = Math.max(change.stdLoss, Math.abs(levels[i].stdLoss - levels[i - 1].stdLoss));
    change.flipRate = Math.max(change.flipRate, Math.abs(levels[i].flipRate - levels[i - 1].flipRate));
  }
  return change;
}

function converged(change: Change, last: QuadratureLevel, tolerance: number): boolean {
  return change.expectedLoss <= tolerance * Math.abs(last.expectedLoss) && change.stdLoss <= tolerance * last.stdLoss && change.flipRate <= tolerance;
}
