import type { Step } from '../../core/augment/step';
import type { Image } from '../../core/image';
import { REPLICATES } from '../../core/moments/randomizedMoments';
import { latticeSequence } from '../../core/quadrature/latticeSequence';
import { createRng } from '../../core/rng';
import type { OutcomeIndex } from './outcomeIndex';
import type { WeightedOutcomes } from './parameterNoise';
import type { ParametersReport } from '../contract/parameterReport';

export type ParameterOutcomes = WeightedOutcomes & Pick<ParametersReport, 'method' | 'note'>;

/**
 * The policy's outcomes when they fit the budget (every outcome with its weight); else REPLICATES independent
 * replicates of outcomes drawn by weight, together `budget` of them (with replacement: their average is unbiased).
 */
export function enumeratedOutcomes(index: OutcomeIndex, budget: number, seed: number): ParameterOutcomes {
  if (index.size <= budget) {
    return {
      size: index.size,
      weights: index.weights,
      image: (i) => index.image(i),
      replicates: null,
      method: 'exact',
      note: `all ${index.size} outcomes with their weights`,
    };
  }
  const perReplicate = Math.max(1, Math.floor(budget / REPLICATES));
  const cumulative = new Float64Array(index.size);
  let total = 0;
  index.weights.forEach((w, i) => (cumulative[i] = total += w));
  const rng = createRng(seed);
  const drawn = Int32Array.from({ length: perReplicate * REPLICATES }, () => lowerBound(cumulative, rng.next() * total));
  return {
    size: drawn.length,
    weights: new Float64Array(drawn.length).fill(1),
    image: (i) => index.image(drawn[i]),
    replicates: { count: REPLICATES, of: Int32Array.from(drawn, (_, i) => Math.floor(i / perReplicate)) },
    method: 'sampled',
    note: `${index.size} outcomes exceed the budget of ${budget}: ${REPLICATES} replicates of ${perReplicate} outcomes drawn by weight`,
  };
}

/**
 * A continuous policy: the randomized lattice rule's first `points` points of REPLICATES shifted sequences (the
 * points E[loss] converged with), within the budget. Every point of a shifted sequence is uniform on the cube, so
 * each replicate's average is unbiased.
 */
export function latticeOutcomes(step: Step, img: Image, points: number, budget: number, seed: number): ParameterOutcomes {
  const perReplicate = Math.max(1, Math.min(points, Math.floor(budget / REPLICATES)));
  const sequence = latticeSequence(REPLICATES, seed);
  const size = perReplicate * REPLICATES;
  return {
    size,
    weights: new Float64Array(size).fill(1),
    image: (i) => step.sample(img, sequence.point(Math.floor(i / perReplicate), i % perReplicate)),
    replicates: { count: REPLICATES, of: Int32Array.from({ length: size }, (_, i) => Math.floor(i / perReplicate)) },
    method: 'quadrature',
    note: `randomized lattice rule: ${REPLICATES} shifted sequences of ${perReplicate} points`,
  };
}

/** The first index whose cumulative weight reaches u. */
function lowerBound(cumulative: Float64Array, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
