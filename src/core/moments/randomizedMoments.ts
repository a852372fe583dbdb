import type { WeightedImage } from '../augment/mixture';
import type { Step } from '../augment/step';
import type { Rng } from '../rng';
import type { Image } from '../image';
import { latticeSequence, type LatticeSequence } from '../quadrature/latticeSequence';
import { outcomesOf, symmetrized, type Draw, type Drawer } from './flipPairing';
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
  /**
   * Control variates: the exact E[g] and E[g^2] per value of the image g that the drawer gives beside each outcome
   * (the policy's output before its last steps). The estimates become mean(y) - b (mean(g) - E[g]) and likewise for
   * y^2 against g^2, b per value from all draws (Cov / Var): unbiased up to O(1/N), never worse than without them
   * once the draws are enough to estimate b.
   */
  readonly control?: { readonly mean: Float64Array; readonly second: Float64Array };
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
  const draw: (x: Image, rng: Rng) => Draw = opts.drawer?.draw ?? ((x, rng) => ({ image: first.reduce((y, s) => s.sample(y, rng), x) }));
  const mirror = opts.drawer?.mirror;
  const sums = Array.from({ length: R }, () => ({ s1: new Float64Array(size), s2: new Float64Array(size), g1: opts.control && new Float64Array(size), g2: opts.control && new Float64Array(size) }));
  // The control coefficients come from the first BETA_POINTS points of every replicate (their own sums of y, y^2, g, g^2
  // and the products): enough for coefficients whose error costs a few percent of the reduction, and half the memory
  // traffic on every later draw.
  const cross = opts.control && { y1: new Float64Array(size), y2: new Float64Array(size), g1: new Float64Array(size), g2: new Float64Array(size), yg: new Float64Array(size), y2g2: new Float64Array(size), g4: new Float64Array(size) };
  const kept: WeightedImage[][] = Array.from({ length: R }, () => []);
  const add = (r: number, k: number) => {
    const { s1, s2, g1, g2 } = sums[r];
    const { image, control } = draw(img, sequence.point(r, k));
    if (k < (opts.keepPoints ?? 0)) kept[r].push(...outcomesOf({ image: noise ? noise.mean(image) : image }, mirror));
    if (noise) {
      const c = noise.moments(image);
      addMoments(s1, s2, c.e1, c.e2);
    } else if (cross && g1 && g2) {
      if (!control) throw new Error('randomized moments: a control variate is set but a draw has no control image');
      addSamples(s1, s2, image.data);
      addSamples(g1, g2, control.data);
      if (k < BETA_POINTS) addCross(cross, image.data, control.data);
    } else {
      addSamples(s1, s2, image.data);
    }
  };
  // With a mirror, the sums stand for both flip outcomes once symmetrized (every quantity is per value).
  const sym = (a: Float64Array) => (mirror ? symmetrized(a, step.outputShape, mirror) : a);
  const estimate = (points: number) => {
    const s = sums.map((x) => ({ s1: sym(x.s1), s2: sym(x.s2), g1: x.g1 && sym(x.g1), g2: x.g2 && sym(x.g2) }));
    const c = cross && { y1: sym(cross.y1), y2: sym(cross.y2), g1: sym(cross.g1), g2: sym(cross.g2), yg: sym(cross.yg), y2g2: sym(cross.y2g2), g4: sym(cross.g4) };
    return estimateFrom(opts.control && c ? controlled(s, c, Math.min(points, BETA_POINTS) * R, opts.control, points) : s, points);
  };
  let points = 0;
  let next = opts.firstPoints;
  for (;;) {
    const done = points * R;
    for (let r = 0; r < R; r++) {
      for (let k = points; k < next; k++) add(r, k);
      opts.onProgress?.(Math.min(0.99, (done + (r + 1) * (next - points)) / Math.max(opts.maxDraws, 1)), `randomized lattice: ${done + (r + 1) * (next - points)} draws`);
    }
    points = next;
    const current = estimate(points);
    const met = current.meanError <= opts.tolerance && current.varianceError <= opts.tolerance;
    const limit = Math.floor(opts.maxDraws / R);
    if (met || points >= limit) {
      return { ...current, toleranceMet: met, draws: points * R, pointsPerReplicate: points, sequence, kept };
    }
    // Errors fall at least like N^-1/2: aim 10% past the predicted need, growing by a factor in [1.25, 4].
    const ratio = Math.max(current.meanError, current.varianceError) / opts.tolerance;
    next = Math.min(limit, Math.ceil(points * Math.min(4, Math.max(1.25, 1.1 * ratio * ratio))));
  }
}

type Sums = { s1: Float64Array; s2: Float64Array };

// The per-value accumulations, each a plain loop over typed arrays of one kind (they run for every draw).
function addSamples(s1: Float64Array, s2: Float64Array, y: Float32Array): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    s1[i] += v;
    s2[i] += v * v;
  }
}

function addMoments(s1: Float64Array, s2: Float64Array, e1: Float64Array, e2: Float64Array): void {
  for (let i = 0; i < e1.length; i++) {
    s1[i] += e1[i];
    s2[i] += e2[i];
  }
}

type Cross = Record<'y1' | 'y2' | 'g1' | 'g2' | 'yg' | 'y2g2' | 'g4', Float64Array>;

function addCross(c: Cross, y: Float32Array, g: Float32Array): void {
  const { y1, y2, g1, g2, yg, y2g2, g4 } = c;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const a = g[i];
    const v2 = v * v;
    const a2 = a * a;
    y1[i] += v;
    y2[i] += v2;
    g1[i] += a;
    g2[i] += a2;
    yg[i] += v * a;
    y2g2[i] += v2 * a2;
    g4[i] += a2 * a2;
  }
}

/** Draws whose products give the control coefficients (per replicate). */
const BETA_POINTS = 64;

/**
 * Each replicate's sums of y and y^2 corrected by the control variates: s - b (s_g - N E[g]) with the coefficients
 * b = Cov(y, g) / Var(g) and Cov(y^2, g^2) / Var(g^2) per value, estimated from the first draws of every replicate.
 */
function controlled(
  sums: readonly (Sums & { g1?: Float64Array; g2?: Float64Array })[],
  cross: Cross,
  crossDraws: number,
  control: { readonly mean: Float64Array; readonly second: Float64Array },
  points: number,
): Sums[] {
  const size = sums[0].s1.length;
  const n = crossDraws;
  const varG = new Float64Array(size);
  const varG2 = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const mg = cross.g1[i] / n;
    const mg2 = cross.g2[i] / n;
    varG[i] = Math.max(mg2 - mg * mg, 0);
    varG2[i] = Math.max(cross.g4[i] / n - mg2 * mg2, 0);
  }
  // Ridge on the denominators: where g barely moves in the first draws (a rare event such as a rotation's fill), the
  // ratio Cov / Var is noise and would amplify the later draws' deviations of g; such values get little or no control.
  const ridge = (v: Float64Array) => (RIDGE * v.reduce((a, b) => a + b, 0)) / Math.max(size, 1);
  const [l1, l2] = [ridge(varG), ridge(varG2)];
  const out = sums.map(() => ({ s1: new Float64Array(size), s2: new Float64Array(size) }));
  for (let i = 0; i < size; i++) {
    const [my, my2, mg, mg2] = [cross.y1[i] / n, cross.y2[i] / n, cross.g1[i] / n, cross.g2[i] / n];
    const b1 = varG[i] + l1 > 0 ? clamp((cross.yg[i] / n - my * mg) / (varG[i] + l1)) : 0;
    const b2 = varG2[i] + l2 > 0 ? clamp((cross.y2g2[i] / n - my2 * mg2) / (varG2[i] + l2)) : 0;
    sums.forEach((s, r) => {
      out[r].s1[i] = s.s1[i] - b1 * (s.g1![i] - points * control.mean[i]);
      out[r].s2[i] = s.s2[i] - b2 * (s.g2![i] - points * control.second[i]);
    });
  }
  return out;
}

/** Ridge of the control coefficients, as a share of the mean variance of the control over the image. */
const RIDGE = 0.05;
/** Largest control coefficient: the policies' last steps scale values by factors near 1. */
const MAX_COEFFICIENT = 4;

function clamp(b: number): number {
  return Math.max(-MAX_COEFFICIENT, Math.min(MAX_COEFFICIENT, b));
}

/**
 * The replicates' average and its error: each replicate's mean m_r and variance v_r = E_r[y^2] - m_r^2 are unbiased
 * (v_r up to O(1/N)); the squared error of their average is estimated by sum_p s_p^2 / R, s_p^2 the sample variance of
 * the R values at pixel p.
 */
function estimateFrom(sums: readonly Sums[], points: number) {
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
