import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { scanResults } from './resultsFile';
import { collectRun, headerInfo, recordEntry, reportRun, RunFormatError, type RunEntry, type RunImages } from './runImages';
import { REPORT_FILE, RESULTS_FILE } from '../contract/reportFiles';

/** report.json is read whole: refuse one larger than this (a dataset run writes results.jsonl, read line by line). */
const MAX_REPORT_BYTES = 512 * 1024 * 1024;

/** A run and the notes on what was read (e.g. a last line cut short). */
export interface LoadedRun {
  readonly file: string;
  readonly run: RunImages;
  readonly notes: readonly string[];
}

/** results.jsonl through the dataset run's reader, each record reduced to its model numbers as it is read. */
async function readResults(file: string): Promise<LoadedRun> {
  const entries: RunEntry[] = [];
  const scan = await scanResults(file, (record, line) => entries.push(recordEntry(record, `${file}:${line}`)));
  const notes = scan.cutShort ? [`${file}: the last line was cut short (the run was stopped while writing it) and is skipped`] : [];
  return { file, run: collectRun(headerInfo(scan.header, `${file}:1`), entries), notes };
}

function readReport(file: string): LoadedRun {
  if (statSync(file).size > MAX_REPORT_BYTES) throw new RunFormatError(`${file}: larger than the ${MAX_REPORT_BYTES >> 20} MB a report.json may be`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RunFormatError(`${file}: not JSON (${(e as Error).message})`);
  }
  return { file, run: reportRun(value, file), notes: [] };
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/**
 * A run given on the command line: a results.jsonl or report.json file, or a folder holding one (results.jsonl
 * first: a dataset run's folder holds both, and only results.jsonl has every image's numbers and classes).
 */
export async function loadRun(path: string): Promise<LoadedRun> {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new RunFormatError(`${path}: no such file or folder`);
  if (stat.isDirectory()) {
    const results = join(path, RESULTS_FILE);
    if (isFile(results)) return readResults(results);
    const report = join(path, REPORT_FILE);
    if (isFile(report)) return readReport(report);
    throw new RunFormatError(`${path}: holds neither results.jsonl nor report.json`);
  }
  if (!stat.isFile()) throw new RunFormatError(`${path}: not a regular file or a folder`);
  return basename(path).endsWith('.jsonl') ? readResults(path) : readReport(path);
}
