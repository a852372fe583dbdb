/** Per-pixel running mean and variance of sampled images (Welford's update, float64). */
export class RunningMoments {
  readonly mean: Float64Array;
  private readonly m2: Float64Array;
  count = 0;

  constructor(size: number) {
    this.mean = new Float64Array(size);
    this.m2 = new Float64Array(size);
  }

  add(sample: ArrayLike<number>): void {
    this.count++;
    const inv = 1 / this.count;
    const { mean, m2 } = this;
    for (let i = 0; i < mean.length; i++) {
      const delta = sample[i] - mean[i];
      mean[i] += delta * inv;
      m2[i] += delta * (sample[i] - mean[i]);
    }
  }

  /** Unbiased sample variance per pixel (divides by n - 1). */
  variance(): Float64Array {
    const d = Math.max(this.count - 1, 1);
    return this.m2.map((v) => v / d);
  }
}
