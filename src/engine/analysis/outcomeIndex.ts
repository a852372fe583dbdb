import { windowOf, type Mixture } from '../../core/augment/mixture';
import type { Image } from '../../core/image';

/** Random access to the outcomes of a mixture in a fixed order (families, then offsets). */
export class OutcomeIndex {
  readonly weights: Float64Array;
  private readonly family: Int32Array;
  private readonly offset: Int32Array;

  constructor(private readonly mixture: Mixture) {
    const w: number[] = [];
    const fam: number[] = [];
    const off: number[] = [];
    mixture.families.forEach((f, fi) => {
      f.offsets.p.forEach((p, k) => {
        if (f.weight * p > 0) {
          w.push(f.weight * p);
          fam.push(fi);
          off.push(k);
        }
      });
    });
    this.weights = Float64Array.from(w);
    this.family = Int32Array.from(fam);
    this.offset = Int32Array.from(off);
  }

  get size(): number {
    return this.weights.length;
  }

  image(i: number): Image {
    return windowOf(this.mixture.families[this.family[i]], this.offset[i], this.mixture.shape);
  }
}
