import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { formatDatasetSummary } from '../engine/dataset/datasetSummary';
import { mergeResults, resultsPath } from '../engine/dataset/mergeResults';
import { OutputError } from '../engine/report/fsErrors';
import { ReportFolder } from '../engine/report/reportFolder';
import { parseCommandArgs, UsageError } from './usageError';
import { DATASET_REPORT_FILE, RESULTS_FILE } from '../engine/contract/reportFiles';

export const MERGE_USAGE = `usage: auglens merge DIR... --out OUT [--json]

Combines the shards of a dataset run (each DIR a run folder with its results.jsonl, or a results.jsonl) into
OUT/results.jsonl (every record) and OUT/dataset.json (means over images with confidence intervals, the per-class
table, the worst images, the dataset's samples needed), and prints the summary (--json: dataset.json).
Refused: shards of different runs (policy, model, settings, classes, shard count), an image in two shards, a shard
given twice. Missing shards are named in the summary and in dataset.json (run.merged).`;

export async function mergeCommand(argv: readonly string[], signal: AbortSignal): Promise<number> {
  const parsed = parseCommandArgs({ args: [...argv], options: { out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  const { values: v, positionals: inputs } = parsed;
  if (v.help) {
    console.log(MERGE_USAGE);
    return 0;
  }
  if (!inputs.length) throw new UsageError('merge needs the run folders to combine');
  if (v.out === undefined || v.out.trim() === '') throw new UsageError('merge needs --out, the folder to write the merged run into');
  const out = resolve(v.out);
  for (const input of inputs) {
    const file = existsSync(input) ? resultsPath(input) : undefined;
    if (!file || !existsSync(file)) throw new UsageError(`${input}: no results.jsonl there`);
    if (resolve(dirname(file)) === out) throw new UsageError(`--out ${v.out} is one of the runs merged: choose a new folder`);
  }
  let folder: ReportFolder;
  try {
    folder = await ReportFolder.open(out);
  } catch (e) {
    throw e instanceof OutputError ? new UsageError(`--out: ${e.message}`) : e;
  }
  try {
    const merged = await mergeResults(inputs, join(folder.staging, RESULTS_FILE));
    await folder.add([{ name: DATASET_REPORT_FILE, data: () => JSON.stringify(merged.report, null, 2) + '\n' }], { signal });
    await folder.commit(signal);
    if (v.json) console.log(JSON.stringify(merged.report, null, 2));
    else console.log(`${formatDatasetSummary(merged.report)}\n\nwrote ${join(out, RESULTS_FILE)} and ${DATASET_REPORT_FILE}`);
  } finally {
    await folder.close();
  }
  return 0;
}
