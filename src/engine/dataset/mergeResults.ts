import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetReport } from '../contract/datasetReport';
import { datasetReport } from './datasetReport';
import { DatasetRows } from './datasetRows';
import type { RunHeader } from '../contract/datasetRecord';
import { ResultsWriter, scanResults } from './resultsFile';
import { headerMismatch } from './runHeader';
import { RESULTS_FILE } from '../contract/reportFiles';

/** Shards that cannot be merged (different runs, an image in two of them, a shard given twice), in words. */
export class MergeError extends Error {}

/** A run folder (its results.jsonl) or a results.jsonl named directly. */
export function resultsPath(input: string): string {
  try {
    return statSync(input).isDirectory() ? join(input, RESULTS_FILE) : input;
  } catch {
    throw new MergeError(`${input}: no such folder or file`);
  }
}

export interface MergedRun {
  readonly header: RunHeader;
  readonly report: DatasetReport;
}

/**
 * Merges shards' results.jsonl into `outFile` (header, then every shard's records in the order given) and makes the
 * dataset report of the whole. Two passes over the inputs, so that no shard is held in memory: the first checks the
 * headers against the first one and finds each image's last record (a failure retried by a resume is superseded),
 * the second writes those records. An image in two shards, two inputs of one shard or headers that differ in
 * anything but the shard index are refused.
 */
export async function mergeResults(inputs: readonly string[], outFile: string): Promise<MergedRun> {
  const files = inputs.map(resultsPath);
  const owner = new Map<string, { file: number; line: number }>();
  const headers: RunHeader[] = [];
  const collisions: string[] = [];
  for (const [file, path] of files.entries()) {
    const scan = await scanResults(path, (record, line) => {
      const earlier = owner.get(record.path);
      if (earlier && earlier.file !== file) collisions.push(`${record.path} (in ${files[earlier.file]} and ${path})`);
      owner.set(record.path, { file, line });
    });
    checkHeader(scan.header, headers, files, path);
    headers.push(scan.header);
  }
  if (collisions.length) {
    throw new MergeError(`${collisions.length} image${collisions.length > 1 ? 's are' : ' is'} in two shards: ${collisions.slice(0, 3).join('; ')}${collisions.length > 3 ? '; ...' : ''}`);
  }
  const count = headers[0].shard.count;
  const shards = headers.map((h) => h.shard.index).sort((a, b) => a - b);
  const header: RunHeader = { ...headers[0], createdAt: new Date().toISOString(), shard: { index: 0, count: 1 }, merged: { count, shards } };
  const rows = new DatasetRows();
  const writer = ResultsWriter.create(outFile, header, false);
  try {
    for (const [file, path] of files.entries()) {
      await scanResults(path, (record, line) => {
        const last = owner.get(record.path)!;
        if (last.file !== file || last.line !== line) return;
        writer.write(record);
        rows.add(record);
      });
    }
  } finally {
    writer.close();
  }
  return { header, report: datasetReport(header, rows.sorted()) };
}

function checkHeader(header: RunHeader, earlier: readonly RunHeader[], files: readonly string[], path: string): void {
  if (header.merged) throw new MergeError(`${path} is already a merge of shards: merge the shards' own folders`);
  if (!earlier.length) return;
  const mismatch = headerMismatch(header, earlier[0], false, `in ${path}`, `in ${files[0]}`);
  if (mismatch) throw new MergeError(`the shards come from different runs: ${mismatch}`);
  const twin = earlier.findIndex((h) => h.shard.index === header.shard.index);
  if (twin >= 0) throw new MergeError(`${path} and ${files[twin]} are both shard ${header.shard.index}/${header.shard.count}`);
}
