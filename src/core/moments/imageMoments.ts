import { compilePolicy } from '../augment/compile';
import { outcomeCount, pointMixture, type Mixture, type Shape } from '../augment/mixture';
import type { Step } from '../augment/step';
import type { Image } from '../image';
import type { TransformSpec } from '../policy/types';
import { covarianceEigen, type CovarianceEigen } from './covarianceEigen';
import { pixelMoments, type PixelMoments } from './pixelMoments';
import { samplesForMeanImage } from './sampleSize';

export interface ImageMomentsOptions {
  /** Number of covariance eigenpairs; 0 skips them. */
  readonly topK: number;
  /** Relative L2 tolerance for the samples-needed figure of the mean image. */
  readonly tolerance: number;
  readonly gramLimit?: number;
}

export interface ImageMoments {
  readonly step: Step;
  readonly mixture: Mixture;
  readonly shape: Shape;
  readonly outcomes: number;
  readonly pixel: PixelMoments;
  readonly eigen: CovarianceEigen | null;
  /** Monte-Carlo draws for relative L2 error `tolerance` of the mean image. */
  readonly samplesForMean: number;
  readonly timings: { readonly momentsMs: number; readonly eigenMs: number };
}

/** The exact moments of T(x) for one image under a policy. */
export function imageMoments(img: Image, policy: TransformSpec, opts: ImageMomentsOptions): ImageMoments {
  const t0 = performance.now();
  const step = compilePolicy(policy, img);
  const mixture = step.lift(pointMixture(img));
  const pixel = pixelMoments(mixture);
  const t1 = performance.now();
  const eigen = opts.topK > 0 ? covarianceEigen(mixture, pixel, { k: opts.topK, gramLimit: opts.gramLimit }) : null;
  const t2 = performance.now();
  return {
    step,
    mixture,
    shape: step.outputShape,
    outcomes: outcomeCount(mixture),
    pixel,
    eigen,
    samplesForMean: samplesForMeanImage(pixel.totalVariance, pixel.mean, opts.tolerance),
    timings: { momentsMs: t1 - t0, eigenMs: t2 - t1 },
  };
}
