import { outcomeCount, type Mixture, type WeightedImage } from '../augment/mixture';
import { singleOffset } from '../augment/offsets';
import type { Step } from '../augment/step';
import type { Image } from '../image';
import type { ContinuousMoments, ContinuousOptions } from './continuousTypes';
import { denseGramEigen } from './denseGramEigen';
import { productGramEigen } from './productGramEigen';
import type { ControlledDrawer } from './controlVariates';
import type { Drawer } from './flipPairing';
import { pixelMoments, type PixelMoments } from './pixelMoments';
import { relativeL2Error } from '../montecarlo/sampler';
import { randomizedMoments } from './randomizedMoments';
import { floorPow2 } from '../quadrature/latticeSequence';

/**
 * Moments of a policy without an exact per-pixel route: per-pixel mean and variance by the randomized lattice rule,
 * refined until the tolerance; eigenpairs from the draws of its first points (every replicate), their error from two
 * independent halves of those draws (replicates split in two). With `exact` per-pixel moments (a route that gives no
 * outcome set to eigen-decompose), only the eigenpair draws are made, and the errors reported for the maps are those
 * of the draws against the exact moments.
 */
export async function randomizedContinuous(step: Step, img: Image, opts: ContinuousOptions, how: Sampling, started: number): Promise<ContinuousMoments> {
  const { drawer, paired, exact, controlled } = how;
  const R = opts.randomized.replicates;
  const { channels, height, width } = step.outputShape;
  const size = channels * height * width;
  const perPoint = paired ? 2 : 1;
  const keepPoints = opts.topK > 0 ? floorPow2(Math.min(opts.eigenOutcomes, DENSE_EIGEN_OUTCOMES, opts.eigenValues / size) / (R * perPoint)) : 0;
  const rule = exact ? { ...opts.randomized, firstPoints: Math.max(keepPoints, 1), maxDraws: Math.max(keepPoints, 1) * R } : opts.randomized;
  const r = exact && keepPoints === 0 ? null : randomizedMoments(step, img, { ...rule, keepPoints, drawer: drawer ?? undefined, control: controlled?.control, onProgress: opts.onProgress });
  const t1 = performance.now();
  const setOf = (reps: readonly WeightedImage[][]): Mixture => {
    const draws = reps.flat();
    const total = draws.reduce((s, d) => s + d.weight, 0);
    return { shape: step.outputShape, families: draws.map((d) => ({ weight: d.weight / total, base: d.image, offsets: singleOffset() })) };
  };
  const all = r && keepPoints > 0 ? setOf(r.kept) : null;
  // The eigenvalue error from two independent halves of the draws (replicates split in two).
  const half = r ? r.kept.slice(0, R / 2).reduce((s, rep) => s + rep.length, 0) : 0;
  const split = (n: number): [number, number][] => [[0, half], [half, n]];
  const withHalves = async (m: Mixture) => {
    if (opts.product) {
      const { partValues, ...e } = await productGramEigen(m, opts.topK, opts.product, split(outcomeCount(m)));
      return { full: e, halves: partValues };
    }
    const halvesOf = (reps: readonly WeightedImage[][]) => denseGramEigen(setOf(reps), pixelMoments(setOf(reps)), opts.topK).values;
    return { full: denseGramEigen(m, pixelMoments(m), opts.topK), halves: [halvesOf(r!.kept.slice(0, R / 2)), halvesOf(r!.kept.slice(R / 2))] };
  };
  const eigenpairs = all && (await withHalves(all));
  const full = eigenpairs?.full ?? null;
  const halves = eigenpairs?.halves ?? null;
  const pixel = exact ?? r!.pixel;
  const eigen = full && { ...full, explained: full.values.map((v) => v / pixel.totalVariance) };
  const eigenvalueError = halves ? Math.max(0, ...full!.values.map((_, i) => Math.abs((halves[0][i] ?? 0) - (halves[1][i] ?? 0)) / 2)) : null;
  return {
    mixture: all ?? setOf([]),
    momentsMixture: all,
    pixel,
    eigen,
    quadrature: exact
      ? {
          rule: `exact per-pixel moments; eigenpairs from a randomized rank-1 lattice sequence, ${R} random shifts${paired ? ', the flip integrated exactly' : ''}`,
          nodes: all ? outcomeCount(all) : 0,
          refinedNodes: r?.draws ?? 0,
          pixelMethod: 'exact',
          meanError: r && relativeL2Error(r.pixel.mean, exact.mean),
          varianceError: r && relativeL2Error(r.pixel.variance, exact.variance),
          eigenvalueError,
          reductions: [],
        }
      : {
          rule:
            `randomized rank-1 lattice sequence over the parameters of ${step.label}, ${R} random shifts${paired ? ', the flip integrated exactly' : ''}` +
            (controlled ? `, the exact moments of ${controlled.prefix} as control variates` : ''),
          nodes: all ? outcomeCount(all) : 0,
          refinedNodes: r!.draws,
          pixelMethod: 'randomized',
          meanError: r!.meanError,
          varianceError: r!.varianceError,
          eigenvalueError,
          randomized: { replicates: R, draws: r!.draws, tolerance: opts.randomized.tolerance, toleranceMet: r!.toleranceMet },
          reductions: [],
        },
    momentsMs: t1 - started,
    eigenMs: performance.now() - t1,
  };
}

/** How the policy is drawn: its own sampler or a drawer, and what is known exactly. */
export interface Sampling {
  readonly drawer: Drawer | null;
  /** Whether each draw gives both outcomes of a flip. */
  readonly paired: boolean;
  /** Exact per-pixel moments: only the eigenpair draws are made. */
  readonly exact: PixelMoments | null;
  readonly controlled: Pick<ControlledDrawer, 'control' | 'prefix'> | null;
}

/** Most draws kept for eigenpairs: their dense Gram matrix is eigen-decomposed in full. */
const DENSE_EIGEN_OUTCOMES = 256;
