import type { Parameter } from '../../model/gradient';
import { GradientMoments } from './gradientMoments';
import type { ParametersReport, PooledNoiseStats, PooledParametersReport } from '../contract/parameterReport';

/**
 * Pools the images' parameter gradients (each image equally likely, as in a batch): E_i[g] accumulated over the
 * images by GradientMoments (their spread is the across-image part), the images' tr Cov_i averaged (the
 * within-augmentation part).
 */
export class ParameterPool {
  private moments: GradientMoments | null = null;
  private layers: { readonly layer: string; readonly op: string }[] = [];
  private within: number[] = [];
  private images = 0;

  add(parameters: readonly Parameter[], mean: readonly Float64Array[], report: ParametersReport): void {
    if (!this.moments) {
      this.layers = report.layers.map((l) => ({ layer: l.layer, op: l.op }));
      const groups = parameters.map((p) => this.layers.findIndex((l) => l.layer === p.layer));
      this.moments = new GradientMoments(
        parameters.map((p) => p.dims.reduce((n, d) => n * d, 1)),
        groups,
        this.layers.length,
      );
      this.within = this.layers.map(() => 0);
    }
    this.moments.add(1, mean);
    report.layers.forEach((l, i) => (this.within[i] += l.traceCovariance));
    this.images++;
  }

  /** Null below two images. */
  result(): PooledParametersReport | null {
    if (!this.moments || this.images < 2) return null;
    const moments = this.moments;
    const across = moments.traces();
    const squared = moments.meanSquaredNorms();
    const stats = (size: number, ms: number, a: number, summedWithin: number): PooledNoiseStats => {
      const w = summedWithin / this.images;
      return { size, meanNorm: Math.sqrt(ms), acrossImages: a, withinAugmentations: w, snr: a + w > 0 ? ms / (a + w) : Infinity };
    };
    const sum = (v: readonly number[]) => v.reduce((s, x) => s + x, 0);
    return {
      images: this.images,
      total: stats(moments.mean.length, sum(squared), sum(across), sum(this.within)),
      layers: this.layers.map((l, i) => ({ ...l, ...stats(moments.groupSize(i), squared[i], across[i], this.within[i]) })),
    };
  }
}
