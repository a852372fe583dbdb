import type { WeightedImage } from '../augment/mixture';
import type { Step } from '../augment/step';
import type { Image } from '../image';
import { latticeSequence, type LatticeSequence } from '../quadrature/latticeSequence';
import type { Drawer } from './flipPairing';
import type { PixelMoments } from './pixelMoments';

/** Independent random shifts of the randomized lattice rule (their spread is the error estimate), and its first points per shift. */
export const REPLICATES = 8;
export const FIRST_POINTS = 16;

export interface RandomizedOptions {
  /** Relative L2 error wanted on the mean and on the variance map. */
  readonly tolerance: number;
  /** Independently shifted copies of the lattice; their spread is the error estimate. */
  readonly replicates: number;
  /** Points per replicate at the start (a power of two); doubled until the tolerance is met. */
  readonly firstPoints: number;
  /** Most draws in all (replicates x points). */
  readonly maxDraws: number;
  readonly seed: number;
  /** Several weighted images per draw (e.g. both outcomes of a flip); default: the step's sampler. */
  readonly drawer?: Drawer;
  /** Draws kept as images (the first points of every replicate), e.g. for eigenpairs. */
  readonly keepPoints?: number;
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface RandomizedMoments {
  readonly pixel: PixelMoments;
  /** Estimated relative L2 errors of the mean and variance maps (root mean square, from the replicates' spread). */
  readonly meanError: number;
  readonly varianceError: number;
  readonly toleranceMet: boolean;
  readonly draws: number;
  readonly pointsPerReplicate: number;
  readonly sequence: LatticeSequence;
  /** kept[r]: the weighted draws of the first keepPoints points of replicate r (a final noise integrated: conditional means). */
  readonly kept: WeightedImage[][];
}

/**
 * Per-pixel mean and variance of a policy by randomized quasi-Monte Carlo: the policy's own sampler (torchvision's
 * parameter draws) fed with the points of R independently shifted lattice sequences, the points increased until the
 * estimated relative L2 errors of the mean and variance maps are within the tolerance or the draws run out. A final
 * GaussianNoise step is integrated exactly on each draw (its conditional mean and second moment per value).
 */
export function randomizedMoments(step: Step, img: Image, opts: RandomizedOptions): RandomizedMoments {
  const { channels, height, width } = step.outputShape;
  const size = channels * height * width;
  const R = opts.replicates;
  const sequence = latticeSequence(R, opts.seed);
  const parts = step.parts ?? [step];
  const noise = opts.drawer ? undefined : parts[parts.length - 1].noise;
  const first = noise ? parts.slice(0, -1) : parts;
  const draw: Drawer = opts.drawer ?? ((x, rng) => [{ weight: 1, image: first.reduce((y, s) => s.sample(y, rng), x) }]);
  const sums = Array.from({ length: R }, () => ({ s1: new Float64Array(size), s2: new Float64Array(size) }));
  const kept: WeightedImage[][] = Array.from({ length: R }, () => []);
  const add = (r: number, k: number) => {
    const { s1, s2 } = sums[r];
    for (const { weight, image } of draw(img, sequence.point(r, k))) {
      if (k < (opts.keepPoints ?? 0) && weight > 0) kept[r].push({ weight, image: noise ? noise.mean(image) : image });
      if (noise) {
        const c = noise.moments(image);
        for (let i = 0; i < size; i++) {
          s1[i] += weight * c.e1[i];
          s2[i] += weight * c.e2[i];
        }
      } else {
        const y = image.data;
        for (let i = 0; i < size; i++) {
          const v = y[i];
          s1[i] += weight * v;
          s2[i] += weight * v * v;
        }
      }
    }
  };
  let points = 0;
  let next = opts.firstPoints;
  let estimate = estimateFrom(sums, 1);
  for (;;) {
    const done = points * R;
    for (let r = 0; r < R; r++) {
      for (let k = points; k < next; k++) add(r, k);
      opts.onProgress?.(Math.min(0.99, (done + (r + 1) * (next - points)) / Math.max(opts.maxDraws, 1)), `randomized lattice: ${done + (r + 1) * (next - points)} draws`);
    }
    points = next;
    estimate = estimateFrom(sums, points);
    const met = estimate.meanError <= opts.tolerance && estimate.varianceError <= opts.tolerance;
    const limit = Math.floor(opts.maxDraws / R);
    if (met || points >= limit) {
      return { ...estimate, toleranceMet: met, draws: points * R, pointsPerReplicate: points, sequence, kept };
    }
    // Errors fall at least like N^-1/2: aim 10% past the predicted need, growing by a factor in [1.25, 4].
    const ratio = Math.max(estimate.meanError, estimate.varianceError) / opts.tolerance;
    next = Math.min(limit, Math.ceil(points * Math.min(4, Math.max(1.25, 1.1 * ratio * ratio))));
  }
}

/**
 * The replicates' average and its error: each replicate's mean m_r and variance v_r = E_r[y^2] - m_r^2 are unbiased
 * (v_r up to O(1/N)); the squared error of their average is estimated by sum_p s_p^2 / R, s_p^2 the sample variance of
 * the R values at pixel p.
 */
function estimateFrom(sums: readonly { s1: Float64Array; s2: Float64Array }[], points: number) {
  const R = sums.length;
  const size = sums[0].s1.length;
  const mean = new Float64Array(size);
  const variance = new Float64Array(size);
  let meanSpread = 0;
  let varianceSpread = 0;
  const m = new Float64Array(R);
  const v = new Float64Array(R);
  for (let i = 0; i < size; i++) {
    let mAvg = 0;
    let vAvg = 0;
    let s2Avg = 0;
    for (let r = 0; r < R; r++) {
      m[r] = sums[r].s1[i] / points;
      const e2 = sums[r].s2[i] / points;
      v[r] = e2 - m[r] * m[r];
      mAvg += m[r];
      vAvg += v[r];
      s2Avg += e2;
    }
    mAvg /= R;
    vAvg /= R;
    s2Avg /= R;
    for (let r = 0; r < R; r++) {
      meanSpread += (m[r] - mAvg) ** 2;
      varianceSpread += (v[r] - vAvg) ** 2;
    }
    mean[i] = mAvg;
    variance[i] = Math.max(s2Avg - mAvg * mAvg, 0);
  }
  const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));
  const rms = (spread: number) => Math.sqrt(spread / (R * (R - 1)));
  const totalVariance = variance.reduce((s, x) => s + x, 0);
  const relative = (e: number, n: number) => (n > 0 ? e / n : e > 0 ? Infinity : 0);
  return {
    pixel: { mean, variance, totalVariance, outcomes: points * R },
    meanError: relative(rms(meanSpread), norm(mean)),
    varianceError: relative(rms(varianceSpread), norm(variance)),
  };
}
