// Two dataset runs compared for the panel's compare view: each read (results.jsonl keeping its header, or any run
// `auglens compare` reads), paired by `compareRuns` at A's confidence, and made the view the webview draws. No vscode.
import { basename } from 'node:path';
import { loadRun } from '../../engine/dataset/loadRun';
import { compareRuns } from '../../engine/dataset/pairedComparison';
import { scanResults } from '../../engine/dataset/resultsFile';
import { collectRun, headerInfo, recordEntry, type RunEntry } from '../../engine/dataset/runImages';
import type { DatasetComparison } from '../../shared/datasetComparison';
import { type ComparedInput, comparisonView } from './comparisonView';

/** Two runs with no analysed image in common: nothing to compare. */
export class NothingPairedError extends Error {}

/** A results.jsonl with its header (for the setup differences), else a report.json or a folder holding a run. */
export async function readComparedRun(path: string): Promise<ComparedInput> {
  if (!basename(path).endsWith('.jsonl')) {
    const loaded = await loadRun(path);
    return { file: loaded.file, run: loaded.run, header: null };
  }
  const entries: RunEntry[] = [];
  const scan = await scanResults(path, (record, line) => entries.push(recordEntry(record, `${path}:${line}`)));
  return { file: path, run: collectRun(headerInfo(scan.header, `${path}:1`), entries), header: scan.header };
}

/** Run B against run A: the differences B - A with paired-t intervals at A's confidence. */
export async function compareDatasetRuns(fileA: string, fileB: string): Promise<DatasetComparison> {
  const a = await readComparedRun(fileA);
  const b = await readComparedRun(fileB);
  const comparison = compareRuns(a.run, b.run, a.run.confidence);
  if (comparison.pairs.length === 0) {
    throw new NothingPairedError(
      `no analysed image is in both runs (A has ${a.run.images.length} analysed images, B ${b.run.images.length}; images pair by their path in the dataset folder)`,
    );
  }
  return comparisonView(a, b, comparison);
}
