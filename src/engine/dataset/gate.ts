import type { RunFailure, RunImage } from './runImages';

export const GATE_METRICS = ['flipRate', 'stdLoss', 'samplesNeeded'] as const;
export type GateMetric = (typeof GATE_METRICS)[number];
export const METRIC_LABEL: Readonly<Record<GateMetric, string>> = { flipRate: 'flip rate', stdLoss: 'Std[loss]', samplesNeeded: 'samples needed' };

/**
 * Where a threshold applies: each image's own value, the mean over each class's images (images without a class form
 * one group), or the mean over all images. Samples needed are averaged too: the augmented draws per image a
 * Monte-Carlo estimate of the group's E[loss] values would cost on average.
 */
export const GATE_LEVELS = ['image', 'class', 'dataset'] as const;
export type GateLevel = (typeof GATE_LEVELS)[number];

/** Upper limits: a value above its limit crosses it (equal passes). */
export type Thresholds = Partial<Record<GateMetric, number>>;

export type MetricValues = Readonly<Record<GateMetric, number>>;

export interface Crossing {
  readonly metric: GateMetric;
  readonly value: number;
  readonly threshold: number;
}

/** An image, a class or the dataset, with its (mean) values and the thresholds they cross. */
export interface GroupCheck {
  readonly name: string;
  readonly images: number;
  readonly values: MetricValues;
  readonly crossings: readonly Crossing[];
}

/** A class's means, and how many of its images cross each threshold on their own. */
export interface ClassCheck extends GroupCheck {
  readonly className: string | null;
  readonly imagesCrossing: number;
  readonly imagesCrossingBy: Readonly<Partial<Record<GateMetric, number>>>;
}

export interface GateResult {
  readonly level: GateLevel;
  readonly thresholds: Thresholds;
  readonly allowFailures: boolean;
  readonly dataset: GroupCheck;
  readonly classes: readonly ClassCheck[];
  /** The images whose own values cross a threshold, worst first (at every level: these are the names to look at). */
  readonly imagesCrossing: readonly (GroupCheck & { readonly className: string | null })[];
  readonly failures: readonly RunFailure[];
  readonly passed: boolean;
  /** One line: PASS or FAIL and why. */
  readonly verdict: string;
}

export const NO_CLASS = '(no class)';

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function meanValues(images: readonly RunImage[]): MetricValues {
  return {
    flipRate: mean(images.map((i) => i.flipRate)),
    stdLoss: mean(images.map((i) => i.stdLoss)),
    samplesNeeded: mean(images.map((i) => i.samplesNeeded)),
  };
}

function crossingsOf(values: MetricValues, thresholds: Thresholds): Crossing[] {
  return GATE_METRICS.flatMap((metric) => {
    const threshold = thresholds[metric];
    return threshold !== undefined && values[metric] > threshold ? [{ metric, value: values[metric], threshold }] : [];
  });
}

/** How far past its worst threshold a group is (value / threshold), for ordering. */
function severity(g: GroupCheck): number {
  return Math.max(...g.crossings.map((c) => (c.threshold > 0 ? c.value / c.threshold : Infinity)));
}

const worstFirst = <T extends GroupCheck>(groups: T[]): T[] => groups.sort((a, b) => severity(b) - severity(a) || a.name.localeCompare(b.name));

function group(name: string, images: readonly RunImage[], thresholds: Thresholds): GroupCheck {
  const values = meanValues(images);
  return { name, images: images.length, values, crossings: crossingsOf(values, thresholds) };
}

function countBy(crossing: readonly GroupCheck[]): Partial<Record<GateMetric, number>> {
  const counts: Partial<Record<GateMetric, number>> = {};
  for (const g of crossing) for (const c of g.crossings) counts[c.metric] = (counts[c.metric] ?? 0) + 1;
  return counts;
}

function describeCounts(counts: Partial<Record<GateMetric, number>>): string {
  return GATE_METRICS.filter((m) => counts[m]).map((m) => `${METRIC_LABEL[m]} ${counts[m]}`).join(', ');
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Checks a run's images against upper thresholds at one level; failed images fail the check unless allowed. */
export function checkRun(
  images: readonly RunImage[],
  failures: readonly RunFailure[],
  thresholds: Thresholds,
  level: GateLevel,
  allowFailures: boolean,
): GateResult {
  if (!GATE_METRICS.some((m) => thresholds[m] !== undefined)) throw new RangeError('no threshold to check');
  const imagesCrossing = worstFirst(
    images.map((i) => ({ ...group(i.path, [i], thresholds), className: i.className })).filter((g) => g.crossings.length > 0),
  );
  const byClass = new Map<string | null, RunImage[]>();
  for (const i of images) {
    const members = byClass.get(i.className);
    if (members) members.push(i);
    else byClass.set(i.className, [i]);
  }
  const classes = [...byClass]
    .map(([className, members]): ClassCheck => {
      const crossing = imagesCrossing.filter((g) => g.className === className);
      return { ...group(className ?? NO_CLASS, members, thresholds), className, imagesCrossing: crossing.length, imagesCrossingBy: countBy(crossing) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const dataset = group('dataset', images, thresholds);

  const reasons: string[] = [];
  if (images.length === 0) reasons.push('no analysed image to check');
  else if (level === 'image' && imagesCrossing.length) {
    reasons.push(`${imagesCrossing.length} of ${plural(images.length, 'image')} cross a threshold (${describeCounts(countBy(imagesCrossing))})`);
  } else if (level === 'class') {
    const crossing = classes.filter((c) => c.crossings.length);
    if (crossing.length) reasons.push(`${crossing.length} of ${plural(classes.length, 'class', 'classes')} cross a threshold on their mean (${describeCounts(countBy(crossing))})`);
  } else if (level === 'dataset' && dataset.crossings.length) {
    reasons.push(`the mean over ${plural(images.length, 'image')} crosses ${dataset.crossings.map((c) => METRIC_LABEL[c.metric]).join(' and ')}`);
  }
  if (failures.length && !allowFailures) reasons.push(`${plural(failures.length, 'image')} failed to analyse (--allow-failures to accept)`);
  const passed = reasons.length === 0;
  const within = `${plural(images.length, 'image')}${classes.length > 1 ? ` in ${classes.length} classes` : ''}`;
  const accepted = failures.length ? `; ${plural(failures.length, 'failed image')} allowed` : '';
  const verdict = passed ? `PASS: ${within} within every threshold (per ${level})${accepted}` : `FAIL: ${reasons.join('; ')}`;
  return { level, thresholds, allowFailures, dataset, classes, imagesCrossing, failures, passed, verdict };
}
