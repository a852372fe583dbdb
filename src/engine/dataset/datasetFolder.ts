import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { takeLock, type FolderLock } from '../report/folderLock';
import { describeFsError, OutputError } from '../report/fsErrors';
import type { DatasetReport } from '../contract/datasetReport';
import type { DatasetRows } from './datasetRows';
import type { DatasetRecord, RunHeader } from '../contract/datasetRecord';
import { ResultsWriter, scanResults, type ResultsScan } from './resultsFile';
import { headerMismatch } from './runHeader';
import { DATASET_REPORT_FILE, RESULTS_FILE } from '../contract/reportFiles';

/**
 * The output folder of a dataset run. Unlike a report folder (written whole, then swapped in), results.jsonl grows in
 * place, a line per image, so that a crash keeps what finished: the folder is new or empty, or, with `--resume`, holds
 * the results.jsonl of the same run (same header), which is continued. The lock beside the folder is the report
 * folder's (`.DIR.auglens-lock`), so no two runs of any kind write it at once. dataset.json is written at the end,
 * through a temporary file renamed over the old one: readers see the old report or the new one, never half of one.
 */
export class DatasetFolder {
  private writer: ResultsWriter | null = null;
  private runHeader: RunHeader | null = null;

  private constructor(
    readonly dir: string,
    private readonly lock: FolderLock,
    /** The results.jsonl being resumed, as read. */
    readonly previous: ResultsScan | null,
  ) {}

  /** Checks and locks `dir` before any work; with `resume`, reads its results.jsonl into `rows`. */
  static async open(dir: string, resume: boolean, rows: DatasetRows): Promise<DatasetFolder> {
    const parent = dirname(dir);
    if (parent === dir) throw new OutputError(`${dir} is a file system root: choose a folder inside it`);
    await mkdir(parent, { recursive: true }).catch((e) => {
      throw describeFsError(e, 'creating', parent);
    });
    const lock = await takeLock(join(parent, `.${basename(dir)}.auglens-lock`), dir);
    try {
      return new DatasetFolder(dir, lock, await prepare(dir, resume, rows));
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  /** The header of the records in the folder: the resumed run's, or `header` for a new one. */
  get header(): RunHeader {
    if (!this.runHeader) throw new Error('the dataset folder has not been started');
    return this.runHeader;
  }

  /** Starts writing: a new results.jsonl with `header`, or the resumed one when its header matches. */
  start(header: RunHeader): void {
    const path = join(this.dir, RESULTS_FILE);
    if (this.previous) {
      const mismatch = headerMismatch(header, this.previous.header, true, 'now', 'in results.jsonl');
      if (mismatch) throw new OutputError(`--resume: ${path} holds a different run (${mismatch}); choose a new folder or run as before`);
      this.writer = ResultsWriter.reopen(path, this.previous.validBytes);
      this.runHeader = this.previous.header;
    } else {
      this.writer = ResultsWriter.create(path, header);
      this.runHeader = header;
    }
  }

  write(record: DatasetRecord): void {
    if (!this.writer) throw new Error('the dataset folder has not been started');
    this.writer.write(record);
  }

  /** Writes dataset.json whole: a temporary file, synced, renamed over the old one. */
  async finish(report: DatasetReport): Promise<void> {
    const target = join(this.dir, DATASET_REPORT_FILE);
    const temporary = join(this.dir, `.${DATASET_REPORT_FILE}.auglens-new`);
    await rm(temporary, { force: true });
    try {
      const fh = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      try {
        await fh.writeFile(JSON.stringify(report, null, 2) + '\n');
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await rename(temporary, target);
    } catch (e) {
      await rm(temporary, { force: true });
      throw describeFsError(e, 'writing', target);
    }
  }

  async close(): Promise<void> {
    try {
      this.writer?.close();
    } finally {
      await this.lock.release();
    }
  }
}

/** The folder made ready: created, found empty, or (resume) its results.jsonl read. */
async function prepare(dir: string, resume: boolean, rows: DatasetRows): Promise<ResultsScan | null> {
  const st = await lstat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw describeFsError(e, 'reading', dir);
  });
  if (st?.isSymbolicLink()) throw new OutputError(`${dir} is a symbolic link: AugLens does not write through links; give the real folder`);
  if (st && !st.isDirectory()) throw new OutputError(`${dir} exists and is not a folder`);
  if (!st) {
    await mkdir(dir).catch((e) => {
      throw describeFsError(e, 'creating', dir);
    });
    return null;
  }
  const names = (await readdir(dir)).filter((name) => name !== `.${DATASET_REPORT_FILE}.auglens-new`);
  if (!names.includes(RESULTS_FILE)) {
    if (!names.length) return null;
    const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? `, and ${names.length - 3} more` : '');
    throw new OutputError(`${dir} is not empty (${shown}) and holds no results.jsonl: a dataset run writes into a new or empty folder`);
  }
  if (!resume) {
    throw new OutputError(`${dir} holds the results.jsonl of a dataset run: add --resume to continue it, or choose a new folder`);
  }
  const results = join(dir, RESULTS_FILE);
  if ((await lstat(results)).isSymbolicLink()) throw new OutputError(`${results} is a symbolic link: AugLens does not write through links`);
  return scanResults(results, (record) => rows.add(record));
}
