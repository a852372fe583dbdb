/** A uniform law on [lo, hi], with the weight of this piece in a mixture. */
export interface FoldedInterval {
  readonly lo: number;
  readonly hi: number;
  readonly weight: number;
}

/**
 * The uniform law on [lo, hi] (lo < hi) as seen by a function of the given period (a warp depends on the angle
 * modulo 360 degrees and on a shear modulo 180): with hi - lo = n period + r, [lo, hi] is n whole periods followed by
 * [lo + n period, hi], so the law is the mixture of the uniform law on one period, weight n period / (hi - lo), and
 * the uniform law on an interval of length r, weight r / (hi - lo). Both start at lo mod period (fmod is exact), so
 * their ends stay small however wide the range; a range shorter than a period stays one interval of its own width.
 */
export function foldUniform(lo: number, hi: number, period: number): FoldedInterval[] {
  const width = hi - lo;
  const start = lo % period;
  if (width < period) return [{ lo: start, hi: start + width, weight: 1 }];
  const rest = width % period;
  const whole: FoldedInterval = { lo: start, hi: start + period, weight: (width - rest) / width };
  return rest > 0 ? [whole, { lo: start, hi: start + rest, weight: rest / width }] : [whole];
}

/**
 * A map sending the uniform law on [0, 1] to the mixture: u in the k-th block of [0, 1] (blocks of the pieces'
 * weights, in order) goes linearly onto the k-th interval. Quadrature rules on [0, 1] integrate the mixture through it.
 */
export function foldedPoint(intervals: readonly FoldedInterval[], u: number): number {
  let rest = u;
  for (let k = 0; k < intervals.length; k++) {
    const { lo, hi, weight } = intervals[k];
    if (rest < weight || k === intervals.length - 1) return lo + (hi - lo) * Math.min(rest / weight, 1);
    rest -= weight;
  }
  throw new Error('a folded range has at least one interval');
}
