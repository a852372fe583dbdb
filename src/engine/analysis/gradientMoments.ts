/**
 * Weighted moments of a gradient split into groups (layers), accumulated one gradient at a time in float64 and never
 * holding more than the running mean: West's weighted Welford update per value,
 * W += w; d = x - mean; mean += (w / W) d; M2 += w d (x - mean_new), M2 summed per group, so tr Cov = M2 / W without
 * the cancellation of E||g||^2 - ||E g||^2 when the gradient hardly varies.
 */
export class GradientMoments {
  readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private totalWeight = 0;

  /** `groups[i]`: the group of part i of every gradient (parts are the parameters, in order). */
  constructor(
    private readonly sizes: readonly number[],
    private readonly groups: readonly number[],
    groupCount: number,
  ) {
    this.mean = new Float64Array(sizes.reduce((n, s) => n + s, 0));
    this.m2 = new Float64Array(groupCount);
  }

  add(weight: number, parts: readonly ArrayLike<number>[]): void {
    if (!(weight > 0)) return;
    this.totalWeight += weight;
    const f = weight / this.totalWeight;
    let offset = 0;
    parts.forEach((part, p) => {
      checkSize(part, this.sizes[p], p);
      let m2 = 0;
      for (let j = 0; j < part.length; j++) {
        const x = part[j];
        const d = x - this.mean[offset + j];
        this.mean[offset + j] += f * d;
        m2 += d * (x - this.mean[offset + j]);
      }
      this.m2[this.groups[p]] += weight * m2;
      offset += part.length;
    });
  }

  get weight(): number {
    return this.totalWeight;
  }

  /** Values in group g. */
  groupSize(g: number): number {
    return this.sizes.reduce((n, s, p) => n + (this.groups[p] === g ? s : 0), 0);
  }

  /** tr Cov per group. */
  traces(): number[] {
    return Array.from(this.m2, (v) => v / this.totalWeight);
  }

  /** ||E g||^2 per group. */
  meanSquaredNorms(): number[] {
    return groupDots(this.sizes, this.groups, this.m2.length, this.meanParts(), this.mean);
  }

  /** E[g] cut into the parameters' parts (views). */
  meanParts(): Float64Array[] {
    let offset = 0;
    return this.sizes.map((size) => this.mean.subarray(offset, (offset += size)));
  }
}

/** Per group: the dot product of a gradient (its parts) with a flat vector laid out like GradientMoments.mean. */
export function groupDots(sizes: readonly number[], groups: readonly number[], groupCount: number, parts: readonly ArrayLike<number>[], flat: ArrayLike<number>): number[] {
  const dots = new Array<number>(groupCount).fill(0);
  let offset = 0;
  sizes.forEach((size, p) => {
    const part = parts[p];
    checkSize(part, size, p);
    let s = 0;
    for (let j = 0; j < size; j++) s += part[j] * flat[offset + j];
    dots[groups[p]] += s;
    offset += size;
  });
  return dots;
}

/** Per group: the squared norm of a gradient given as parts. */
export function groupSquaredNorms(groups: readonly number[], groupCount: number, parts: readonly ArrayLike<number>[]): number[] {
  const squares = new Array<number>(groupCount).fill(0);
  parts.forEach((part, p) => {
    let s = 0;
    for (let j = 0; j < part.length; j++) s += part[j] * part[j];
    squares[groups[p]] += s;
  });
  return squares;
}

/** The value below which a share `q` of the weight lies (the smallest value whose cumulative weight reaches q W). */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, q: number): number {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const total = order.reduce((s, i) => s + weights[i], 0);
  let cumulative = 0;
  for (const i of order) {
    cumulative += weights[i];
    if (cumulative >= q * total * (1 - 1e-12)) return values[i];
  }
  return values[order[order.length - 1]];
}

function checkSize(part: ArrayLike<number>, size: number, index: number): void {
  if (part.length !== size) throw new Error(`parameter ${index}: a gradient of ${part.length} values, expected ${size}`);
}
