import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { takeLock, type FolderLock } from './folderLock';
import { describeFsError, OutputError } from './fsErrors';
import type { ReportEntry } from './reportEntries';
import { checkReplaceable } from './reportFolderRule';

const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export interface WriteOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (written: number, total: number) => void;
}

/**
 * An output folder written as a whole: files go into a staging folder beside the target (same parent, so the renames
 * are atomic), which `commit` swaps into place. Until then the old folder is untouched; afterwards it is gone whole, so
 * nothing of an older report is left beside the new one. A lock file beside the target keeps other runs out; leftovers
 * of a killed run are cleaned when the next one opens the folder. Nothing is written through a symbolic link.
 */
export class ReportFolder {
  private committed = false;

  private constructor(
    readonly target: string,
    /** Where `add` writes; the analysis may read inputs placed there (e.g. the example's image and model). */
    readonly staging: string,
    private readonly backup: string,
    private readonly lock: FolderLock,
  ) {}

  /**
   * Checks `target` before any work (not a link, not a file, empty or an earlier AugLens report), takes its lock,
   * cleans a killed run's leftovers and creates the staging folder. Errors are OutputErrors in words.
   */
  static async open(target: string): Promise<ReportFolder> {
    const parent = dirname(target);
    const name = basename(target);
    if (parent === target) throw new OutputError(`${target} is a file system root: choose a folder inside it`);
    await mkdir(parent, { recursive: true }).catch((e) => {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') throw new OutputError(`${target}: a part of the path is a file, not a folder`);
      throw describeFsError(e, 'creating', parent);
    });
    const lock = await takeLock(join(parent, `.${name}.auglens-lock`), target);
    const folder = new ReportFolder(target, join(parent, `.${name}.auglens-new`), join(parent, `.${name}.auglens-old`), lock);
    try {
      await folder.recover();
      const st = await lstatOrUndefined(target);
      if (st?.isSymbolicLink()) throw new OutputError(`${target} is a symbolic link: AugLens does not write through links; give the real folder`);
      if (st && !st.isDirectory()) throw new OutputError(`${target} exists and is not a folder`);
      if (st) await checkReplaceable(target);
      await mkdir(folder.staging).catch((e) => {
        throw describeFsError(e, 'creating', folder.staging);
      });
      return folder;
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  /**
   * Writes `entries` into the staging folder in order, each a new file (never through a link); a cancel stops between
   * files. In order: an entry's data may read what earlier entries' data made (the exported report.html embeds the
   * PNGs rendered before it).
   */
  async add(entries: readonly ReportEntry[], options: WriteOptions = {}): Promise<void> {
    const { signal, onProgress } = options;
    for (const [i, entry] of entries.entries()) {
      signal?.throwIfAborted();
      await this.write(entry, signal);
      onProgress?.(i + 1, entries.length);
    }
  }

  private async write(entry: ReportEntry, signal: AbortSignal | undefined): Promise<void> {
    const path = join(this.staging, entry.name);
    if (entry.name.includes('/')) await mkdir(dirname(path), { recursive: true });
    let fh;
    try {
      fh = await open(path, NEW_FILE, 0o644);
      await fh.writeFile(entry.data(), { signal });
      await fh.datasync();
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw describeFsError(e, 'writing', join(this.target, entry.name));
    } finally {
      await fh?.close();
    }
  }

  /** Swaps the staging folder into place: the old folder (checked again) is moved aside, then removed. */
  async commit(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const old = await lstatOrUndefined(this.target);
    if (old) {
      if (old.isSymbolicLink() || !old.isDirectory()) throw new OutputError(`${this.target} was replaced by something that is not a folder during the run`);
      await checkReplaceable(this.target);
      await rename(this.target, this.backup).catch((e) => {
        throw describeFsError(e, 'moving aside', this.target);
      });
    }
    try {
      await rename(this.staging, this.target);
    } catch (e) {
      if (old) await rename(this.backup, this.target).catch(() => undefined);
      throw describeFsError(e, 'replacing', this.target);
    }
    this.committed = true;
    if (old) await rm(this.backup, { recursive: true, force: true });
  }

  /** Removes the staging folder unless committed, and releases the lock. */
  async close(): Promise<void> {
    try {
      if (!this.committed) await rm(this.staging, { recursive: true, force: true });
    } finally {
      await this.lock.release();
    }
  }

  /**
   * Leftovers of a killed run: a staging folder (incomplete, removed) and a moved-aside old folder, put back when the
   * kill fell between the two renames of `commit` (no target), else removed.
   */
  private async recover(): Promise<void> {
    await rm(this.staging, { recursive: true, force: true });
    const backup = await lstatOrUndefined(this.backup);
    if (!backup) return;
    if (backup.isDirectory() && !(await lstatOrUndefined(this.target))) {
      await rename(this.backup, this.target).catch((e) => {
        throw describeFsError(e, 'putting back the earlier report from', this.backup);
      });
    } else await rm(this.backup, { recursive: true, force: true });
  }
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw describeFsError(e, 'reading', path);
  }
}
