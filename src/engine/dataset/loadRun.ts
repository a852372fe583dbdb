import { closeSync, createReadStream, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { collectRun, headerInfo, recordEntry, reportRun, RunFormatError, type RunEntry, type RunImages, type RunInfo } from './runImages';

/** report.json is read whole: refuse one larger than this (a dataset run writes results.jsonl, read line by line). */
const MAX_REPORT_BYTES = 512 * 1024 * 1024;

/** A run and the notes on what was read (e.g. an interrupted last line). */
export interface LoadedRun {
  readonly file: string;
  readonly run: RunImages;
  readonly notes: readonly string[];
}

/**
 * results.jsonl line by line, each record reduced to its model numbers as it is read (memory grows with the images,
 * not with their reports). A last line without its newline that does not parse is the image being written when the
 * run was stopped: skipped with a note, as a resume would.
 */
async function readResults(file: string): Promise<LoadedRun> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let info: RunInfo | undefined;
  const entries: RunEntry[] = [];
  const notes: string[] = [];
  let pending: string | undefined;
  let n = 0;
  for await (const text of lines) {
    n++;
    if (pending) throw new RunFormatError(`${pending}: not JSON`);
    if (text.trim() === '') continue;
    const where = `${file}:${n}`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      pending = where;
      continue;
    }
    if (info) entries.push(recordEntry(value, where));
    else info = headerInfo(value, where);
  }
  if (pending) {
    if (endsWithNewline(file)) throw new RunFormatError(`${pending}: not JSON`);
    notes.push(`${pending}: an incomplete last line (the run was stopped while writing it) is skipped`);
  }
  if (!info) throw new RunFormatError(`${file}: empty (no run header)`);
  return { file, run: collectRun(info, entries), notes };
}

function endsWithNewline(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    return readSync(fd, last, 0, 1, fstatSync(fd).size - 1) === 1 && last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
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
    const results = join(path, 'results.jsonl');
    if (isFile(results)) return readResults(results);
    const report = join(path, 'report.json');
    if (isFile(report)) return readReport(report);
    throw new RunFormatError(`${path}: holds neither results.jsonl nor report.json`);
  }
  if (!stat.isFile()) throw new RunFormatError(`${path}: not a regular file or a folder`);
  return basename(path).endsWith('.jsonl') ? readResults(path) : readReport(path);
}
