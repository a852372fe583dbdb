import type { Step } from '../augment/step';
import type { Image } from '../image';
import { createRng } from '../rng';
import { RunningMoments } from './runningMoments';

export interface MonteCarloOptions {
  readonly samples: number;
  readonly seed?: number;
  /** Called after each sample; return true to stop early. */
  readonly onSample?: (moments: RunningMoments) => boolean | void;
}

/** Draws augmented images with torchvision's sampling semantics and accumulates their per-pixel moments. */
export function sampleMoments(step: Step, img: Image, opts: MonteCarloOptions): RunningMoments {
  const rng = createRng(opts.seed ?? 1);
  const moments = new RunningMoments(step.outputShape.channels * step.outputShape.height * step.outputShape.width);
  for (let i = 0; i < opts.samples; i++) {
    moments.add(step.sample(img, rng).data);
    if (opts.onSample?.(moments)) break;
  }
  return moments;
}

export function relativeL2Error(estimate: ArrayLike<number>, exact: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < exact.length; i++) {
    num += (estimate[i] - exact[i]) ** 2;
    den += exact[i] ** 2;
  }
  if (den === 0) return num === 0 ? 0 : Infinity;
  return Math.sqrt(num / den);
}
