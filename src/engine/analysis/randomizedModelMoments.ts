// Model-level moments of a policy with continuous parameters by randomized quasi-Monte Carlo: the policy's sampler
// fed with R independently shifted lattice sequences (core/quadrature/latticeSequence). Each replicate's averages are
// unbiased; their spread gives Student-t intervals. Points per replicate double (every point already evaluated is
// kept) until the intervals of E[loss] and Std[loss] are within the tolerance (relative) and that of the flip rate
// within the tolerance (absolute), or the forward-pass budget is used up: the last level then takes the points that
// still fit (a randomly shifted lattice's average is unbiased for any number of points, not only powers of two).
import type { Image } from '../../core/image';
import { argmax, crossEntropy } from '../../core/outputs/classifier';
import { OutputMomentAccumulator, type CleanPrediction } from '../../core/outputs/outputMoments';
import { studentQuantile } from '../../core/outputs/studentQuantile';
import { floorPow2 } from '../../core/quadrature/latticeSequence';
import type { ForwardModel, Progress } from './forward';
import type { ModelMomentsResult } from './modelMoments';
import type { QuadratureLevel } from '../contract/report';
import { EngineError } from '../contract/engineErrors';

const BATCH = 32;

export interface RandomizedSettings {
  /** Largest number of forward passes for the clean prediction (one, already run) and the rule together. */
  readonly budget: number;
  readonly confidence: number;
  /** Relative tolerance on E[loss] and Std[loss], absolute on the flip rate. */
  readonly tolerance: number;
  /** Points per replicate at the first level (a power of two). */
  readonly firstPoints: number;
}

/** `draw(r, k)`: the augmented image at point k of replicate r. */
export async function randomizedModelMoments(
  draw: (r: number, k: number) => Image,
  replicates: number,
  model: ForwardModel,
  clean: CleanPrediction,
  settings: RandomizedSettings,
  progress: Progress,
): Promise<ModelMomentsResult> {
  const { budget, confidence, tolerance } = settings;
  const R = replicates;
  const t = studentQuantile(confidence, R - 1);
  const acc = new OutputMomentAccumulator(clean);
  const sums = Array.from({ length: R }, () => ({ loss: 0, loss2: 0, flip: 0 }));
  const levels: QuadratureLevel[] = [];
  const most = Math.floor((budget - 1) / R);
  if (most < 1) throw new EngineError('budget', `the forward-pass budget ${budget} is below the ${R} passes of one randomized lattice point`);
  let points = 0;
  let next = Math.min(settings.firstPoints, floorPow2(most));
  let half = { expectedLoss: Infinity, stdLoss: Infinity, flipRate: Infinity };
  let stop = '';
  for (;;) {
    const pending = Array.from({ length: R }, (_, r) => Array.from({ length: next - points }, (_, i) => ({ r, k: points + i }))).flat();
    for (let start = 0; start < pending.length; start += BATCH) {
      const chunk = pending.slice(start, start + BATCH);
      const rows = await model.run(chunk.map((p) => draw(p.r, p.k)));
      rows.forEach((row, j) => {
        acc.add(1, row, `lattice point ${chunk[j].k} of replicate ${chunk[j].r}`);
        const loss = crossEntropy(row, clean.kind, clean.target);
        const s = sums[chunk[j].r];
        s.loss += loss;
        s.loss2 += loss * loss;
        s.flip += argmax(row) !== clean.top1 ? 1 : 0;
      });
      progress(Math.min(0.99, (points * R + start + chunk.length) / (most * R)), `randomized lattice: ${points * R + start + chunk.length} passes`);
    }
    points = next;
    const perReplicate = sums.map((s) => {
      const e = s.loss / points;
      return { expectedLoss: e, stdLoss: Math.sqrt(Math.max(s.loss2 / points - e * e, 0)), flipRate: s.flip / points };
    });
    const spread = (f: (x: (typeof perReplicate)[number]) => number) => {
      const m = perReplicate.reduce((a, x) => a + f(x), 0) / R;
      return (t * Math.sqrt(perReplicate.reduce((a, x) => a + (f(x) - m) ** 2, 0) / (R - 1))) / Math.sqrt(R);
    };
    half = { expectedLoss: spread((x) => x.expectedLoss), stdLoss: spread((x) => x.stdLoss), flipRate: spread((x) => x.flipRate) };
    const m = acc.result();
    levels.push({ nodes: points * R, expectedLoss: m.expectedLoss, stdLoss: m.stdLoss, flipRate: m.flipRate, halfWidths: half });
    if (half.expectedLoss <= tolerance * Math.abs(m.expectedLoss) && half.stdLoss <= tolerance * m.stdLoss && half.flipRate <= tolerance) {
      stop = `within the tolerance ${tolerance}`;
      break;
    }
    if (points === most) {
      stop = `NOT within the tolerance ${tolerance}: more points would pass the forward-pass budget of ${budget} (the clean prediction included)`;
      break;
    }
    next = Math.min(2 * points, most);
  }
  const moments = acc.result();
  const pct = `${(100 * confidence).toFixed(0)}%`;
  return {
    method: 'quadrature',
    note:
      `randomized lattice rule: ${R} independently shifted lattice sequences of ${points} points (${points * R} passes), ${stop}; ` +
      `+- are ${pct} Student-t intervals from the spread of the ${R} replicates`,
    moments,
    lossHalfWidth: null,
    flipHalfWidth: null,
    quadrature: { levels, error: half, replicates: R, confidence, toleranceMet: stop.startsWith('within') },
  };
}
