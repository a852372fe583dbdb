// The dataset panel's compare view from `compareRuns`: the runs, what differs in their setup, the mean differences
// with their intervals overall and per class, the largest per-image changes and the images left unpaired. Pure.
import type { RunHeader } from '../../engine/contract/datasetRecord';
import type { GroupDifference, MeanDifference, RunComparison } from '../../engine/dataset/pairedComparison';
import type { RunImages } from '../../engine/dataset/runImages';
import {
  type ComparisonGroupRow,
  type DatasetComparison,
  type DifferenceCell,
  MAX_LISTED,
  type PathList,
  type SetupDifference,
} from '../../shared/datasetComparison';

/** A run as read for a comparison: results.jsonl keeps its header, report.json has none. */
export interface ComparedInput {
  readonly file: string;
  readonly run: RunImages;
  readonly header: RunHeader | null;
}

/** Per-image rows shown among the largest changes of Std[loss]. */
const LARGEST_CHANGES = 10;
/** A setup value longer than this is cut (a policy is shown whole in the runs' description). */
const MAX_VALUE_LENGTH = 240;

const cell = (d: MeanDifference): DifferenceCell => ({
  a: d.meanA,
  b: d.meanB,
  difference: d.mean,
  interval: d.interval && [d.interval[0], d.interval[1]],
  change: d.change,
});

function groupRow(g: GroupDifference): ComparisonGroupRow {
  const { expectedLoss, stdLoss, flipRate } = g.metrics;
  return { name: g.name, pairs: g.pairs, expectedLoss: cell(expectedLoss), stdLoss: cell(stdLoss), flipRate: cell(flipRate), stability: g.stability };
}

const pathList = (paths: readonly string[]): PathList => ({ paths: paths.slice(0, MAX_LISTED), count: paths.length });

const clip = (text: string): string => (text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 3)}...` : text);

/** The parts of a run's setup that change its numbers, by name ("policy", "settings: tolerance", ...), as text. */
function setup(input: ComparedInput): Map<string, string> {
  const { run, header } = input;
  const parts = new Map<string, string>([
    ['model', run.model ?? '(none)'],
    ['policy', run.policy],
    ['settings: tolerance', String(run.tolerance)],
    ['settings: confidence', String(run.confidence)],
  ]);
  if (!header) return parts;
  parts.set('model file (SHA-256)', header.modelSha256);
  for (const [key, value] of Object.entries(header.settings)) parts.set(`settings: ${key}`, JSON.stringify(value));
  const p = header.preprocessing;
  if (p) {
    const input = p.inputSize ? `, input ${p.inputSize[0]}x${p.inputSize[1]}` : '';
    parts.set('preprocessing', `${p.name} (${p.channels}, scale ${p.scale}, mean ${p.mean.join(', ')}, std ${p.std.join(', ')}${input})`);
  }
  for (const [key, value] of Object.entries(header.options)) parts.set(`options: ${key}`, JSON.stringify(value));
  return parts;
}

/** The setup parts both runs state and that differ between them, in A's order. */
export function setupDifferences(a: ComparedInput, b: ComparedInput): SetupDifference[] {
  const inB = setup(b);
  return [...setup(a)].flatMap(([part, valueA]) => {
    const valueB = inB.get(part);
    return valueB === undefined || valueB === valueA ? [] : [{ part, a: clip(valueA), b: clip(valueB) }];
  });
}

export function comparisonView(a: ComparedInput, b: ComparedInput, c: RunComparison): DatasetComparison {
  const largest = [...c.pairs].sort((p, q) => Math.abs(q.difference.stdLoss) - Math.abs(p.difference.stdLoss)).slice(0, LARGEST_CHANGES);
  const where = (f: RunComparison['failed'][number]) => (f.inA && f.inB ? 'in both' : f.inA ? 'in A' : 'in B');
  const run = (input: ComparedInput) => ({
    file: input.file,
    model: input.run.model,
    policy: input.run.policy,
    images: input.run.images.length,
    failed: input.run.failures.length,
  });
  return {
    a: run(a),
    b: run(b),
    confidence: c.confidence,
    differences: setupDifferences(a, b),
    overall: groupRow(c.overall),
    classes: c.classes.map(groupRow),
    largestChanges: largest.map((p) => ({
      path: p.path,
      className: p.className,
      stdLossA: p.a.stdLoss,
      stdLossB: p.b.stdLoss,
      flipRateA: p.a.flipRate,
      flipRateB: p.b.flipRate,
    })),
    onlyInA: pathList(c.onlyInA),
    onlyInB: pathList(c.onlyInB),
    failed: pathList(c.failed.map((f) => `${f.path} (failed ${where(f)})`)),
  };
}
