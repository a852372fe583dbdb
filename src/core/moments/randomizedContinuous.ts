import { outcomeCount, type Mixture, type WeightedImage } from '../augment/mixture';
import { singleOffset } from '../augment/offsets';
import type { Step } from '../augment/step';
import type { Image } from '../image';
import type { ContinuousMoments, ContinuousOptions } from './continuousMoments';
import { denseGramEigen } from './denseGramEigen';
import type { Drawer } from './flipPairing';
import { pixelMoments } from './pixelMoments';
import { randomizedMoments } from './randomizedMoments';

/**
 * Moments of a policy without an exact per-pixel route: per-pixel mean and variance by the randomized lattice rule,
 * refined until the tolerance; eigenpairs from the draws of its first points (every replicate), their error from two
 * independent halves of those draws (replicates split in two).
 */
export function randomizedContinuous(step: Step, img: Image, opts: ContinuousOptions, drawer: Drawer | null, started: number): ContinuousMoments {
  const R = opts.randomized.replicates;
  const { channels, height, width } = step.outputShape;
  const size = channels * height * width;
  const perPoint = drawer ? 2 : 1;
  const keepPoints = opts.topK > 0 ? floorPow2(Math.min(opts.eigenOutcomes, DENSE_EIGEN_OUTCOMES, opts.eigenValues / size) / (R * perPoint)) : 0;
  const r = randomizedMoments(step, img, { ...opts.randomized, keepPoints, drawer: drawer ?? undefined, onProgress: opts.onProgress });
  const t1 = performance.now();
  const setOf = (reps: readonly WeightedImage[][]): Mixture => {
    const draws = reps.flat();
    const total = draws.reduce((s, d) => s + d.weight, 0);
    return { shape: step.outputShape, families: draws.map((d) => ({ weight: d.weight / total, base: d.image, offsets: singleOffset() })) };
  };
  const eigenOf = (m: Mixture) => denseGramEigen(m, pixelMoments(m), opts.topK);
  const all = keepPoints > 0 ? setOf(r.kept) : null;
  const full = all && eigenOf(all);
  const halves = all ? [r.kept.slice(0, R / 2), r.kept.slice(R / 2)].map((h) => eigenOf(setOf(h)).values) : null;
  const eigen = full && { ...full, explained: full.values.map((v) => v / r.pixel.totalVariance) };
  const eigenvalueError = halves ? Math.max(0, ...full!.values.map((_, i) => Math.abs((halves[0][i] ?? 0) - (halves[1][i] ?? 0)) / 2)) : null;
  return {
    mixture: all ?? setOf([]),
    momentsMixture: all,
    pixel: r.pixel,
    eigen,
    quadrature: {
      rule: `randomized rank-1 lattice sequence over the parameters of ${step.label}, ${R} random shifts${drawer ? ', the flip integrated exactly' : ''}`,
      nodes: all ? outcomeCount(all) : 0,
      refinedNodes: r.draws,
      pixelMethod: 'randomized',
      meanError: r.meanError,
      varianceError: r.varianceError,
      eigenvalueError,
      randomized: { replicates: R, draws: r.draws, tolerance: opts.randomized.tolerance, toleranceMet: r.toleranceMet },
      reductions: [],
    },
    momentsMs: t1 - started,
    eigenMs: performance.now() - t1,
  };
}

/** Most draws kept for eigenpairs: their dense Gram matrix is eigen-decomposed in full. */
const DENSE_EIGEN_OUTCOMES = 256;

function floorPow2(x: number): number {
  return x < 1 ? 0 : 2 ** Math.floor(Math.log2(x));
}
