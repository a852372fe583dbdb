/** Weighted mean and variance of a scalar, updated one weighted value at a time (West's algorithm, 1979). */
export class WeightedScalar {
  private w = 0;
  private m = 0;
  private s = 0;

  add(weight: number, value: number): void {
    if (weight <= 0) return;
    this.w += weight;
    const delta = value - this.m;
    this.m += (weight / this.w) * delta;
    this.s += weight * delta * (value - this.m);
  }

  get totalWeight(): number {
    return this.w;
  }

  get mean(): number {
    return this.m;
  }

  /** Variance of the weighted law (weights normalised to 1), not a sample variance. */
  get variance(): number {
    return this.w > 0 ? Math.max(this.s / this.w, 0) : 0;
  }
}

/** The same for a vector, element-wise. */
export class WeightedVector {
  private w = 0;
  readonly mean: Float64Array;
  private readonly s: Float64Array;

  constructor(size: number) {
    this.mean = new Float64Array(size);
    this.s = new Float64Array(size);
  }

  add(weight: number, values: ArrayLike<number>): void {
    if (weight <= 0) return;
    this.w += weight;
    const r = weight / this.w;
    for (let i = 0; i < this.mean.length; i++) {
      const delta = values[i] - this.mean[i];
      this.mean[i] += r * delta;
      this.s[i] += weight * delta * (values[i] - this.mean[i]);
    }
  }

  variance(): Float64Array {
    return this.s.map((v) => (this.w > 0 ? Math.max(v / this.w, 0) : 0));
  }
}
