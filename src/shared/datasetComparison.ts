// The dataset panel's compare view: two runs on the same images paired by path, as the host sends it to the webview
// (built from `compareRuns` by src/extension/dataset/comparisonView.ts), with its validator.
import { MAX_POLICY_LENGTH, hasOnlyKeys, isFields, isFiniteNumber, isInteger, isOneOf, isText } from './validate';

/** One of the two runs, as its results.jsonl header (or report.json) names it. */
export interface ComparedRun {
  file: string;
  model: string | null;
  policy: string;
  /** Images analysed in the run, and images that failed there. */
  images: number;
  failed: number;
}

export const CHANGES = ['lower', 'higher', 'no clear change'] as const;
export const STABILITIES = ['more stable', 'less stable', 'mixed', 'no clear change'] as const;

/** The mean over paired images of one quantity in A and in B, and of B - A with its paired-t interval. */
export interface DifferenceCell {
  a: number;
  b: number;
  difference: number;
  /** Null below 2 pairs. */
  interval: [number, number] | null;
  /** In B, when the interval excludes 0. */
  change: (typeof CHANGES)[number];
}

/** All images or one class. */
export interface ComparisonGroupRow {
  name: string;
  pairs: number;
  expectedLoss: DifferenceCell;
  stdLoss: DifferenceCell;
  flipRate: DifferenceCell;
  /** From Std[loss] and the flip rate (lower is more stable). */
  stability: (typeof STABILITIES)[number];
}

/** One paired image among the largest changes of Std[loss]. */
export interface ComparisonImageRow {
  path: string;
  className: string | null;
  stdLossA: number;
  stdLossB: number;
  flipRateA: number;
  flipRateB: number;
}

/** A part of the runs' setup that differs (model, policy, a setting), with its value in each. */
export interface SetupDifference {
  part: string;
  a: string;
  b: string;
}

/** A list of paths, the first `MAX_LISTED` of `count`. */
export interface PathList {
  paths: string[];
  count: number;
}

export interface DatasetComparison {
  a: ComparedRun;
  b: ComparedRun;
  confidence: number;
  differences: SetupDifference[];
  overall: ComparisonGroupRow;
  classes: ComparisonGroupRow[];
  largestChanges: ComparisonImageRow[];
  onlyInA: PathList;
  onlyInB: PathList;
  /** Images in both runs that failed in one or both: not paired. */
  failed: PathList;
}

export const MAX_LISTED = 200;
export const MAX_COMPARED_CLASSES = 1 << 16;
const MAX_COUNT = 1 << 30;

const isNonNegative = (v: unknown): v is number => isFiniteNumber(v) && v >= 0;
const isRate = (v: unknown): v is number => isNonNegative(v) && v <= 1;

function parseRun(v: unknown): ComparedRun | undefined {
  if (!isFields(v) || !hasOnlyKeys(v, ['file', 'model', 'policy', 'images', 'failed'])) return undefined;
  const { file, model, policy, images, failed } = v;
  if (!isText(file) || (model !== null && !isText(model)) || !isText(policy, MAX_POLICY_LENGTH)) return undefined;
  return isInteger(images, 0, MAX_COUNT) && isInteger(failed, 0, MAX_COUNT) ? { file, model, policy, images, failed } : undefined;
}

function parseCell(v: unknown, isValue: (x: unknown) => x is number): DifferenceCell | undefined {
  if (!isFields(v) || !hasOnlyKeys(v, ['a', 'b', 'difference', 'interval', 'change'])) return undefined;
  const { a, b, difference, interval, change } = v;
  if (!isValue(a) || !isValue(b) || !isFiniteNumber(difference) || !isOneOf(change, CHANGES)) return undefined;
  if (interval === null) return { a, b, difference, interval, change };
  if (!Array.isArray(interval) || interval.length !== 2 || !interval.every(isFiniteNumber) || interval[0] > interval[1]) return undefined;
  return { a, b, difference, interval: [interval[0], interval[1]], change };
}

function parseGroup(v: unknown): ComparisonGroupRow | undefined {
  if (!isFields(v) || !hasOnlyKeys(v, ['name', 'pairs', 'expectedLoss', 'stdLoss', 'flipRate', 'stability'])) return undefined;
  const { name, pairs, stability } = v;
  const expectedLoss = parseCell(v.expectedLoss, isNonNegative);
  const stdLoss = parseCell(v.stdLoss, isNonNegative);
  const flipRate = parseCell(v.flipRate, isRate);
  if (!isText(name) || !isInteger(pairs, 0, MAX_COUNT) || !isOneOf(stability, STABILITIES)) return undefined;
  return expectedLoss && stdLoss && flipRate ? { name, pairs, expectedLoss, stdLoss, flipRate, stability } : undefined;
}

function parseImage(v: unknown): ComparisonImageRow | undefined {
  if (!isFields(v) || !hasOnlyKeys(v, ['path', 'className', 'stdLossA', 'stdLossB', 'flipRateA', 'flipRateB'])) return undefined;
  const { path, className, stdLossA, stdLossB, flipRateA, flipRateB } = v;
  if (!isText(path) || (className !== null && !isText(className))) return undefined;
  if (!isNonNegative(stdLossA) || !isNonNegative(stdLossB) || !isRate(flipRateA) || !isRate(flipRateB)) return undefined;
  return { path, className, stdLossA, stdLossB, flipRateA, flipRateB };
}

function parseDifference(v: unknown): SetupDifference | undefined {
  if (!isFields(v) || !hasOnlyKeys(v, ['part', 'a', 'b'])) return undefined;
  const { part, a, b } = v;
  return isText(part) && isText(a) && isText(b) ? { part, a, b } : undefined;
}

function parsePathList(v: unknown): PathList | undefined {
  if (!isFields(v) || !hasOnlyKeys(v, ['paths', 'count'])) return undefined;
  const { paths, count } = v;
  if (!Array.isArray(paths) || paths.length > MAX_LISTED || !paths.every((p) => isText(p))) return undefined;
  return isInteger(count, paths.length, MAX_COUNT) ? { paths: paths as string[], count } : undefined;
}

function parseList<T>(v: unknown, parse: (x: unknown) => T | undefined, max: number): T[] | undefined {
  if (!Array.isArray(v) || v.length > max) return undefined;
  const parsed = v.map(parse);
  return parsed.every((x) => x !== undefined) ? (parsed as T[]) : undefined;
}

/** Returns the comparison if `value` is a well-formed one, else undefined. */
export function parseDatasetComparison(value: unknown): DatasetComparison | undefined {
  const keys = ['a', 'b', 'confidence', 'differences', 'overall', 'classes', 'largestChanges', 'onlyInA', 'onlyInB', 'failed'];
  if (!isFields(value) || !hasOnlyKeys(value, keys)) return undefined;
  const { confidence } = value;
  const a = parseRun(value.a);
  const b = parseRun(value.b);
  const differences = parseList(value.differences, parseDifference, 64);
  const overall = parseGroup(value.overall);
  const classes = parseList(value.classes, parseGroup, MAX_COMPARED_CLASSES);
  const largestChanges = parseList(value.largestChanges, parseImage, MAX_LISTED);
  const onlyInA = parsePathList(value.onlyInA);
  const onlyInB = parsePathList(value.onlyInB);
  const failed = parsePathList(value.failed);
  if (!isFiniteNumber(confidence) || confidence <= 0 || confidence >= 1) return undefined;
  if (!a || !b || !differences || !overall || !classes || !largestChanges || !onlyInA || !onlyInB || !failed) return undefined;
  return { a, b, confidence, differences, overall, classes, largestChanges, onlyInA, onlyInB, failed };
}
