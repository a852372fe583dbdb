import { OutputMomentAccumulator, zForConfidence, type CleanPrediction, type OutputMoments } from '../../core/outputs/outputMoments';
import { crossEntropy, argmax } from '../../core/outputs/classifier';
import { createRng } from '../../core/rng';
import type { ForwardModel, Progress } from './forward';
import type { OutcomeIndex } from './outcomeIndex';
import type { ModelQuadrature } from '../contract/report';

const BATCH = 32;

export interface ModelMomentsResult {
  readonly method: 'exact' | 'quadrature' | 'stratified';
  readonly note: string;
  readonly moments: OutputMoments;
  /** Half-widths of the confidence intervals of E[loss] and the flip rate (stratified only). */
  readonly lossHalfWidth: number | null;
  readonly flipHalfWidth: number | null;
  /** Policies with continuous parameters: the randomized rule's levels and intervals; null otherwise. */
  readonly quadrature: ModelQuadrature | null;
  /** Exact method: every outcome's loss beside its weight (the whole law of the loss: Monte Carlo draws from it). */
  readonly losses?: { readonly weights: Float64Array; readonly values: Float64Array };
}

export interface SamplingSettings {
  /** Largest number of forward passes for the clean prediction (one, already run) and the exact path together. */
  readonly budget: number;
  readonly confidence: number;
  readonly seed: number;
}

/**
 * Model-level moments over the policy's outcomes: the exact weighted sum when the outcomes fit the forward-pass
 * budget, else a stratified sample with a confidence interval (never silently).
 */
export async function modelMoments(
  outcomes: OutcomeIndex,
  model: ForwardModel,
  clean: CleanPrediction,
  settings: SamplingSettings,
  progress: Progress,
): Promise<ModelMomentsResult> {
  const { budget } = settings;
  if (outcomes.size > budget - 1) return stratified(outcomes, model, clean, settings, progress);
  const values = new Float64Array(outcomes.size);
  return {
    method: 'exact',
    note: `all ${outcomes.size} outcomes evaluated (forward-pass budget ${budget}, the clean prediction included)`,
    moments: await weightedSum(outcomes, model, clean, progress, values),
    lossHalfWidth: null,
    flipHalfWidth: null,
    quadrature: null,
    losses: { weights: outcomes.weights, values },
  };
}

/** The model's output moments as the weighted sum over every outcome; each outcome's loss into `losses`. */
async function weightedSum(outcomes: OutcomeIndex, model: ForwardModel, clean: CleanPrediction, progress: Progress, losses: Float64Array): Promise<OutputMoments> {
  const acc = new OutputMomentAccumulator(clean);
  for (let start = 0; start < outcomes.size; start += BATCH) {
    const ids = range(start, Math.min(start + BATCH, outcomes.size));
    const rows = await model.run(ids.map((i) => outcomes.image(i)));
    rows.forEach((row, j) => {
      acc.add(outcomes.weights[ids[j]], row, `outcome ${ids[j]}`);
      losses[ids[j]] = crossEntropy(row, clean.kind, clean.target);
    });
    progress((start + ids.length) / outcomes.size, `${start + ids.length} of ${outcomes.size} outcomes`);
  }
  return acc.result();
}

/**
 * Stratified sampling: the outcome list (neighbouring outcomes are similar windows) is cut into strata of equal
 * probability mass; each gets an equal share of the budget, drawn with probability proportional to weight.
 * E = sum_s W_s m_s and Var(E) = sum_s W_s^2 s_s^2 / n_s (Cochran, Sampling Techniques, eq. 5.6).
 */
export async function stratified(
  outcomes: OutcomeIndex,
  model: ForwardModel,
  clean: CleanPrediction,
  { budget, confidence, seed }: SamplingSettings,
  progress: Progress,
): Promise<ModelMomentsResult> {
  const z = zForConfidence(confidence);
  const perStratum = 8;
  const strata = Math.max(1, Math.floor((budget - 1) / perStratum));
  const cumulative = new Float64Array(outcomes.size + 1);
  for (let i = 0; i < outcomes.size; i++) cumulative[i + 1] = cumulative[i] + outcomes.weights[i];
  const total = cumulative[outcomes.size];
  const rng = createRng(seed);
  const draws: { stratum: number; index: number }[] = [];
  for (let s = 0; s < strata; s++) {
    for (let j = 0; j < perStratum; j++) {
      const u = ((s + rng.next()) / strata) * total;
      draws.push({ stratum: s, index: Math.min(upperBound(cumulative, u) - 1, outcomes.size - 1) });
    }
  }
  // Stratum s covers probability mass [s/S, (s+1)/S) exactly, so W_s = 1/S and draws within it follow w_i / W_s.
  const acc = new OutputMomentAccumulator(clean);
  const lossStats = Array.from({ length: strata }, () => ({ n: 0, sum: 0, sum2: 0, flip: 0 }));
  for (let start = 0; start < draws.length; start += BATCH) {
    const chunk = draws.slice(start, start + BATCH);
    const rows = await model.run(chunk.map((d) => outcomes.image(d.index)));
    rows.forEach((row, j) => {
      const { stratum, index } = chunk[j];
      acc.add(1 / draws.length, row, `outcome ${index}`);
      const loss = crossEntropy(row, clean.kind, clean.target);
      const st = lossStats[stratum];
      st.n++;
      st.sum += loss;
      st.sum2 += loss * loss;
      st.flip += argmax(row) !== clean.top1 ? 1 : 0;
    });
    progress((start + chunk.length) / draws.length, `${start + chunk.length} of ${draws.length} stratified draws`);
  }
  let lossVar = 0;
  let flipVar = 0;
  for (const st of lossStats) {
    const m = st.sum / st.n;
    const s2 = st.n > 1 ? (st.sum2 - st.n * m * m) / (st.n - 1) : 0;
    const q = st.flip / st.n;
    const f2 = st.n > 1 ? (st.n * q * (1 - q)) / (st.n - 1) : 0;
    lossVar += s2 / (strata * strata * st.n);
    flipVar += f2 / (strata * strata * st.n);
  }
  return {
    method: 'stratified',
    note:
      `${outcomes.size} outcomes exceed the forward-pass budget of ${budget} (the clean prediction included): E[loss] and the flip rate are estimated by ` +
      `stratified sampling (${strata} ${strata === 1 ? 'stratum' : 'strata'} x ${perStratum} draws) with ${(100 * confidence).toFixed(0)}% intervals`,
    moments: acc.result(),
    lossHalfWidth: z * Math.sqrt(Math.max(lossVar, 0)),
    flipHalfWidth: z * Math.sqrt(Math.max(flipVar, 0)),
    quadrature: null,
  };
}

function upperBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
