import { compareRuns } from '../engine/dataset/pairedComparison';
import { describeRange, inRange } from '../shared/analysisLimits';
import { parseCommandArgs, UsageError } from './usageError';
import { formatComparison } from './comparisonTable';
import { readRunArgument } from './runArgument';

export const COMPARE_USAGE = `usage: auglens compare A B [--confidence C] [--fail-if-less-stable] [--json]

Two runs on the same images (two models, or two policies), each a results.jsonl, a report.json or a folder holding
one. Images are paired by their path relative to the run's root (a report.json: to its images' common folder; runs
rooted at different folders pair by the longest common path ending). For E[loss], Std[loss] and the flip rate: the
per-image differences B - A, their mean with a paired-t interval overall and per class, and which classes got more
stable in B (the interval of Std[loss] or of the flip rate lies below 0, neither above) or less stable; images in
only one run, or failed in one, are listed and left out.
  --confidence C           the intervals' confidence (default: A's, as its report says; ${describeRange('confidence')})
  --fail-if-less-stable    exit 1 when all images or a class got less stable in B (or mixed), for CI
  --json                   the comparison as JSON, every pair included
Exits 0 (1 with --fail-if-less-stable when stability got worse, or when no image is in both runs), 2 on a usage error
or a run it cannot read.`;

const options = {
  confidence: { type: 'string' },
  'fail-if-less-stable': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `auglens compare`: the exit code (usage errors are thrown). */
export async function compareCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  const v = parsed.values;
  if (v.help) {
    console.log(COMPARE_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 2) throw new UsageError(`compare takes two runs A and B, got ${parsed.positionals.length}`);
  const given = v.confidence === undefined ? undefined : Number(v.confidence);
  if (given !== undefined && (v.confidence!.trim() === '' || !inRange('confidence', given))) {
    throw new UsageError(`--confidence ${v.confidence} is not a valid value: --confidence must be ${describeRange('confidence')}`);
  }
  const [pathA, pathB] = parsed.positionals;
  const a = await readRunArgument(pathA);
  const b = a && (await readRunArgument(pathB));
  if (!a || !b) return 2;
  for (const note of [...a.notes, ...b.notes]) console.error(`auglens: ${note}`);
  const confidence = given ?? a.run.confidence;
  const comparison = compareRuns(a.run, b.run, confidence);
  if (comparison.pairs.length === 0) {
    const sizes = `A has ${a.run.images.length} analysed images, B ${b.run.images.length}`;
    console.error(`auglens: error: no analysed image is in both runs (${sizes}; images pair by their path relative to each run's root)`);
    return 1;
  }
  console.log(
    v.json
      ? JSON.stringify({ a: { file: a.file, model: a.run.model, policy: a.run.policy }, b: { file: b.file, model: b.run.model, policy: b.run.policy }, ...comparison }, null, 2)
      : formatComparison([a.file, b.file], a.run, b.run, comparison),
  );
  const worse = [comparison.overall, ...comparison.classes].filter((g) => g.stability === 'less stable' || g.stability === 'mixed');
  if (v['fail-if-less-stable'] && worse.length) {
    console.error(`auglens: less stable in B: ${worse.map((g) => g.name).join(', ')}`);
    return 1;
  }
  return 0;
}
