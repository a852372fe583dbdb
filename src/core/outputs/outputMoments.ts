import { argmax, assertFinite, crossEntropy, klDivergence, probabilities, type OutputKind } from './classifier';
import { WeightedScalar, WeightedVector } from './weightedStats';

export interface CleanPrediction {
  readonly kind: OutputKind;
  /** Class used as the loss target. */
  readonly target: number;
  readonly probabilities: Float64Array;
  readonly top1: number;
}

export function cleanPrediction(row: ArrayLike<number>, kind: OutputKind, label?: number): CleanPrediction {
  assertFinite(row, 'clean image');
  const probs = probabilities(row, kind);
  const top1 = argmax(row);
  if (label !== undefined && (label < 0 || label >= row.length || !Number.isInteger(label))) {
    throw new Error(`label ${label} is not a class index of this model (0..${row.length - 1})`);
  }
  return { kind, target: label ?? top1, probabilities: probs, top1 };
}

export interface OutputMoments {
  readonly totalWeight: number;
  readonly expectedLoss: number;
  readonly stdLoss: number;
  readonly expectedProbabilities: Float64Array;
  readonly stdProbabilities: Float64Array;
  /** P(top-1 class of the augmented image != clean top-1). */
  readonly flipRate: number;
  /** E[KL(clean || augmented)]. */
  readonly expectedKL: number;
}

/** The model-level moments over a weighted outcome set (docs/math.md, section 7). */
export class OutputMomentAccumulator {
  private readonly loss = new WeightedScalar();
  private readonly flip = new WeightedScalar();
  private readonly kl = new WeightedScalar();
  private readonly probs: WeightedVector;

  constructor(private readonly clean: CleanPrediction) {
    this.probs = new WeightedVector(clean.probabilities.length);
  }

  add(weight: number, row: ArrayLike<number>, what = 'augmented image'): void {
    assertFinite(row, what);
    const p = probabilities(row, this.clean.kind);
    this.loss.add(weight, crossEntropy(row, this.clean.kind, this.clean.target));
    this.flip.add(weight, argmax(row) !== this.clean.top1 ? 1 : 0);
    this.kl.add(weight, klDivergence(this.clean.probabilities, p));
    this.probs.add(weight, p);
  }

  result(): OutputMoments {
    return {
      totalWeight: this.loss.totalWeight,
      expectedLoss: this.loss.mean,
      stdLoss: Math.sqrt(this.loss.variance),
      expectedProbabilities: Float64Array.from(this.probs.mean),
      stdProbabilities: this.probs.variance().map(Math.sqrt),
      flipRate: this.flip.mean,
      expectedKL: this.kl.mean,
    };
  }
}

/** Two-sided standard normal quantile for a confidence level (Acklam's rational approximation, |error| < 1.2e-9). */
export function zForConfidence(confidence: number): number {
  const p = 1 - (1 - confidence) / 2;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.sqrt(-2 * Math.log(1 - p));
  if (p > 0.97575) {
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const r = p - 0.5;
  const s = r * r;
  return ((((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r) /
    (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
}

/** Draws for relative tolerance eps on E[loss]: N = ceil((z Std / (eps |E|))^2). */
export function samplesForLoss(expected: number, std: number, eps: number, z: number): number {
  if (std === 0) return 1;
  if (expected === 0) return Infinity;
  return Math.max(1, Math.ceil(((z * std) / (eps * Math.abs(expected))) ** 2));
}

/** Draws for absolute tolerance eps on a rate q: N = ceil(z^2 q (1 - q) / eps^2). */
export function samplesForRate(q: number, eps: number, z: number): number {
  return Math.max(1, Math.ceil((z * z * q * (1 - q)) / (eps * eps)));
}

/**
 * value +- half cut to the quantity's range (a loss is >= 0, a rate lies in [0, 1]): the true value lies in the
 * range, so cutting keeps the interval's coverage and never shows impossible values such as a negative rate.
 */
export function intervalWithin(value: number, half: number, [lo, hi]: readonly [number, number]): [number, number] {
  return [Math.max(lo, value - half), Math.min(hi, value + half)];
}
