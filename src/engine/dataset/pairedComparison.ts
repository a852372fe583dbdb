import { intervalWithin } from '../../core/outputs/outputMoments';
import type { RunImage, RunImages } from './runImages';
import { NO_CLASS } from './gate';
import { studentQuantile } from '../../core/outputs/studentQuantile';

export const COMPARED_METRICS = ['expectedLoss', 'stdLoss', 'flipRate'] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];
export const COMPARED_LABEL: Readonly<Record<ComparedMetric, string>> = { expectedLoss: 'E[loss]', stdLoss: 'Std[loss]', flipRate: 'flip rate' };
/** Lower is more stable: a class whose interval for one of these lies wholly below 0 got more stable in B. */
const STABILITY_METRICS = ['stdLoss', 'flipRate'] as const;

type Values = Readonly<Record<ComparedMetric, number>>;

/** One image in both runs: its values in A and B and the difference B - A. */
export interface ImagePair {
  readonly path: string;
  readonly className: string | null;
  readonly a: Values;
  readonly b: Values;
  readonly difference: Values;
}

/** The mean over pairs of one quantity in A, in B, and of B - A with its paired-t interval (null below 2 pairs). */
export interface MeanDifference {
  readonly meanA: number;
  readonly meanB: number;
  readonly mean: number;
  readonly interval: readonly [number, number] | null;
  /** 'lower' or 'higher' in B when the interval excludes 0, else 'no clear change'. */
  readonly change: 'lower' | 'higher' | 'no clear change';
}

export type Stability = 'more stable' | 'less stable' | 'mixed' | 'no clear change';

export interface GroupDifference {
  readonly name: string;
  readonly pairs: number;
  readonly metrics: Readonly<Record<ComparedMetric, MeanDifference>>;
  /** From Std[loss] and the flip rate: more stable when one got lower and none higher, mixed when both happened. */
  readonly stability: Stability;
}

export interface RunComparison {
  readonly confidence: number;
  readonly overall: GroupDifference;
  readonly classes: readonly GroupDifference[];
  readonly pairs: readonly ImagePair[];
  /** Images in only one run (analysed or failed there). */
  readonly onlyInA: readonly string[];
  readonly onlyInB: readonly string[];
  /** Images in both runs that failed in one or both: not paired. */
  readonly failed: readonly { readonly path: string; readonly inA: boolean; readonly inB: boolean }[];
}

const valuesOf = (i: RunImage): Values => ({ expectedLoss: i.expectedLoss, stdLoss: i.stdLoss, flipRate: i.flipRate });

/** What a difference can be: a rate's lies in [-1, 1] (losses are unbounded). */
const DIFFERENCE_RANGE: Readonly<Record<ComparedMetric, readonly [number, number]>> = {
  expectedLoss: [-Infinity, Infinity],
  stdLoss: [-Infinity, Infinity],
  flipRate: [-1, 1],
};

/** Paired-t interval of the mean difference, mean +- t_{n-1} s / sqrt(n), cut to the difference's range. */
export function meanDifference(a: readonly number[], b: readonly number[], confidence: number, range: readonly [number, number] = [-Infinity, Infinity]): MeanDifference {
  const n = a.length;
  const d = a.map((x, i) => b[i] - x);
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const meanA = a.reduce((s, x) => s + x, 0) / n;
  const meanB = b.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { meanA, meanB, mean, interval: null, change: 'no clear change' };
  const variance = d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const half = studentQuantile(confidence, n - 1) * Math.sqrt(variance / n);
  const interval = intervalWithin(mean, half, range);
  const change = interval[1] < 0 ? 'lower' : interval[0] > 0 ? 'higher' : 'no clear change';
  return { meanA, meanB, mean, interval, change };
}

function groupDifference(name: string, pairs: readonly ImagePair[], confidence: number): GroupDifference {
  const metrics = Object.fromEntries(
    COMPARED_METRICS.map((m) => [m, meanDifference(pairs.map((p) => p.a[m]), pairs.map((p) => p.b[m]), confidence, DIFFERENCE_RANGE[m])]),
  ) as Record<ComparedMetric, MeanDifference>;
  const changes = STABILITY_METRICS.map((m) => metrics[m].change);
  const lower = changes.includes('lower');
  const higher = changes.includes('higher');
  const stability = lower && higher ? 'mixed' : lower ? 'more stable' : higher ? 'less stable' : 'no clear change';
  return { name, pairs: pairs.length, metrics, stability };
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const isSuffix = (short: string, long: string): boolean => short === long || long.endsWith(`/${short}`);

/**
 * Keys of A matched to keys of B: the same relative path, else (runs rooted at different folders, e.g. a report.json
 * of one class's images against a dataset run) the one key of B that ends with A's key or that A's key ends with.
 */
function matchKeys(aKeys: readonly string[], bKeys: readonly string[]): Map<string, string> {
  const matched = new Map<string, string>();
  const bLeft = new Set(bKeys);
  for (const k of aKeys) if (bLeft.delete(k)) matched.set(k, k);
  const byName = new Map<string, string[]>();
  for (const k of bLeft) {
    const same = byName.get(basename(k));
    if (same) same.push(k);
    else byName.set(basename(k), [k]);
  }
  for (const k of aKeys) {
    if (matched.has(k)) continue;
    const candidates = (byName.get(basename(k)) ?? []).filter((b) => bLeft.has(b) && (isSuffix(k, b) || isSuffix(b, k)));
    if (candidates.length === 1) {
      matched.set(k, candidates[0]);
      bLeft.delete(candidates[0]);
    }
  }
  return matched;
}

/** Two runs on the same images paired by path: per-image and mean differences B - A, overall and per class. */
export function compareRuns(a: RunImages, b: RunImages, confidence: number): RunComparison {
  const entries = (run: RunImages) =>
    new Map<string, RunImage | null>([...run.failures.map((f) => [f.path, null] as const), ...run.images.map((i) => [i.path, i] as const)]);
  const inA = entries(a);
  const inB = entries(b);
  const matched = matchKeys([...inA.keys()], [...inB.keys()]);
  const pairs: ImagePair[] = [];
  const failed: { path: string; inA: boolean; inB: boolean }[] = [];
  for (const [ka, kb] of matched) {
    const x = inA.get(ka)!;
    const y = inB.get(kb)!;
    const path = kb.length > ka.length ? kb : ka;
    if (!x || !y) {
      failed.push({ path, inA: !x, inB: !y });
      continue;
    }
    const va = valuesOf(x);
    const vb = valuesOf(y);
    const difference = Object.fromEntries(COMPARED_METRICS.map((m) => [m, vb[m] - va[m]])) as Record<ComparedMetric, number>;
    pairs.push({ path, className: x.className ?? y.className, a: va, b: vb, difference });
  }
  pairs.sort((p, q) => p.path.localeCompare(q.path));
  const pairedB = new Set(matched.values());
  const byClass = new Map<string | null, ImagePair[]>();
  for (const p of pairs) {
    const members = byClass.get(p.className);
    if (members) members.push(p);
    else byClass.set(p.className, [p]);
  }
  const classes = byClass.size > 1 || (byClass.size === 1 && !byClass.has(null))
    ? [...byClass].map(([c, ps]) => groupDifference(c ?? NO_CLASS, ps, confidence)).sort((p, q) => p.name.localeCompare(q.name))
    : [];
  return {
    confidence,
    overall: groupDifference('all images', pairs, confidence),
    classes,
    pairs,
    onlyInA: [...inA.keys()].filter((k) => !matched.has(k)).sort(),
    onlyInB: [...inB.keys()].filter((k) => !pairedB.has(k)).sort(),
    failed: failed.sort((p, q) => p.path.localeCompare(q.path)),
  };
}
