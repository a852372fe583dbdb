import { closeSync, constants, createReadStream, fdatasyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { describeFsError } from '../report/fsErrors';
import { DATASET_RECORD_VERSION, type DatasetRecord, type RunHeader } from '../contract/datasetRecord';

/** A results.jsonl that is not one, with the line and the reason. */
export class ResultsFormatError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Appends records to results.jsonl, one JSON line each, written with a single write and (`lineByLine`) synced to
 * disk before the next, so a crash, a kill or a power cut keeps every line that was written (at most the last one is
 * cut short: readers skip it and a resume cuts it off). Never opened through a symbolic link.
 */
export class ResultsWriter {
  private constructor(
    private readonly path: string,
    private fd: number | null,
    private readonly lineByLine = true,
  ) {}

  /**
   * A new file holding the header line; an existing file is an error. `lineByLine` false syncs only on close (a
   * file written whole, e.g. a merge's, replaced as a whole if anything fails).
   */
  static create(path: string, header: RunHeader, lineByLine = true): ResultsWriter {
    const writer = new ResultsWriter(path, openFile(path, constants.O_CREAT | constants.O_EXCL), lineByLine);
    writer.writeLine(header);
    return writer;
  }

  /** An existing file, cut to its first `validBytes` bytes (dropping a line a kill cut short), then appended to. */
  static reopen(path: string, validBytes: number): ResultsWriter {
    const fd = openFile(path, 0);
    try {
      ftruncateSync(fd, validBytes);
    } catch (e) {
      closeSync(fd);
      throw describeFsError(e, 'truncating', path);
    }
    return new ResultsWriter(path, fd);
  }

  write(record: DatasetRecord): void {
    this.writeLine(record);
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      if (!this.lineByLine) fdatasyncSync(fd);
    } catch (e) {
      throw describeFsError(e, 'writing', this.path);
    } finally {
      closeSync(fd);
    }
  }

  private writeLine(value: RunHeader | DatasetRecord): void {
    if (this.fd === null) throw new Error(`${this.path} is closed`);
    const bytes = Buffer.from(JSON.stringify(value) + '\n');
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done);
      if (this.lineByLine) fdatasyncSync(this.fd);
    } catch (e) {
      throw describeFsError(e, 'writing', this.path);
    }
  }
}

function openFile(path: string, flags: number): number {
  try {
    return openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW | flags, 0o644);
  } catch (e) {
    throw describeFsError(e, 'opening', path);
  }
}

export interface ResultsScan {
  readonly header: RunHeader;
  /** Bytes up to the end of the last complete line. */
  readonly validBytes: number;
  /** Whether the file ends in a line cut short (a run killed while writing it), which was skipped. */
  readonly cutShort: boolean;
  readonly records: number;
}

/**
 * Reads results.jsonl line by line without holding it (a dataset's file may be larger than memory), checks the
 * header, and hands each record to `onRecord` in file order. A last line without its newline is skipped.
 */
export async function scanResults(path: string, onRecord: (record: DatasetRecord, line: number) => void): Promise<ResultsScan> {
  let header: RunHeader | undefined;
  let line = 0;
  let validBytes = 0;
  let records = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (bytes: Buffer) => {
    line++;
    validBytes += bytes.length + 1;
    const text = bytes.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ResultsFormatError(`${path}:${line}: not a JSON line`);
    }
    if (!header) header = checkedHeader(value, `${path}:${line}`);
    else {
      onRecord(checkedRecord(value, `${path}:${line}`), line);
      records++;
    }
  };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    throw describeFsError(e, 'opening', path);
  }
  const stream = createReadStream('', { fd, highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
        const piece = chunk.subarray(start, nl);
        take(pending.length ? Buffer.concat([...pending, piece], pendingBytes + piece.length) : piece);
        pending = [];
        pendingBytes = 0;
        start = nl + 1;
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingBytes += chunk.length - start;
      }
    }
  } catch (e) {
    if (e instanceof ResultsFormatError) throw e;
    throw describeFsError(e, 'reading', path);
  } finally {
    stream.destroy();
  }
  if (!header) throw new ResultsFormatError(`${path}: no run header (the file is empty or its first line was cut short)`);
  return { header, validBytes, cutShort: pendingBytes > 0, records };
}

function checkedHeader(value: unknown, where: string): RunHeader {
  if (!isObject(value) || value.kind !== 'run') throw new ResultsFormatError(`${where}: the first line must be the run header (kind "run")`);
  const version = value.recordVersion;
  if (typeof version !== 'number' || version > DATASET_RECORD_VERSION) {
    throw new ResultsFormatError(`${where}: record version ${String(version)} is not one this AugLens reads (${DATASET_RECORD_VERSION})`);
  }
  const shard = value.shard;
  if (!isObject(shard) || !Number.isInteger(shard.index) || !Number.isInteger(shard.count)) throw new ResultsFormatError(`${where}: the header has no shard`);
  if (!isObject(value.policy) || !isObject(value.settings) || typeof value.root !== 'string') {
    throw new ResultsFormatError(`${where}: the header lacks its root, policy or settings`);
  }
  return value as unknown as RunHeader;
}

function checkedRecord(value: unknown, where: string): DatasetRecord {
  if (!isObject(value) || (value.kind !== 'image' && value.kind !== 'error') || typeof value.path !== 'string') {
    throw new ResultsFormatError(`${where}: expected an image record (kind "image" or "error" with a path)`);
  }
  if (value.kind === 'image' && !isObject(value.report)) throw new ResultsFormatError(`${where}: an image record without its report`);
  if (value.kind === 'error' && typeof value.message !== 'string') throw new ResultsFormatError(`${where}: a failure without its message`);
  return value as unknown as DatasetRecord;
}
