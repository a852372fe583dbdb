import type { Step } from '../../../../src/core/augment/step';
import type { Image } from '../../../../src/core/image';
import type { Rng } from '../../../../src/core/rng';

/**
 * Brute-force integration of a step's sampler on a very fine grid: the midpoints of a tensor grid in the unit
 * cube are fed as its uniform draws, in order (independent of the quadrature rules under test). Returns the mean
 * and the second moment per pixel, averaged over the grid and weighted over the given input outcomes.
 */
export function fineGridMoments(step: Step, inputs: readonly { weight: number; image: Image }[], sizes: readonly number[]) {
  const d = step.outputShape.channels * step.outputShape.height * step.outputShape.width;
  const mean = new Float64Array(d);
  const second = new Float64Array(d);
  const total = sizes.reduce((a, b) => a * b, 1);
  const u = new Float64Array(sizes.length);
  for (let k = 0; k < total; k++) {
    let rest = k;
    for (let j = sizes.length - 1; j >= 0; j--) {
      u[j] = ((rest % sizes[j]) + 0.5) / sizes[j];
      rest = Math.floor(rest / sizes[j]);
    }
    for (const input of inputs) {
      let j = 0;
      const rng: Rng = {
        next: () => {
          if (j >= u.length) throw new Error('the step draws more numbers than the grid has dimensions');
          return u[j++];
        },
      };
      const y = step.sample(input.image, rng).data;
      const w = input.weight / total;
      for (let i = 0; i < d; i++) {
        mean[i] += w * y[i];
        second[i] += w * y[i] * y[i];
      }
    }
  }
  return { mean, second };
}

export function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
