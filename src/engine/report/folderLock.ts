import { constants, readFileSync, unlinkSync } from 'node:fs';
import { lstat, open, readFile, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { describeFsError, OutputError } from './fsErrors';

/** A lock file created without following links; `release` removes it. */
export interface FolderLock {
  release(): Promise<void>;
}

/** A lock file younger than this with no owner written yet is being created, not stale. */
const BLANK_LOCK_GRACE_MS = 10_000;

/**
 * The holder touches its lock this often; a lock of another host untouched for LOCK_LEASE_MS is stale (its run was
 * killed: a cluster job retried on another node, whose process ids say nothing about the first one's).
 */
const LOCK_TOUCH_MS = 10_000;
const LOCK_LEASE_MS = 60_000;

/**
 * Takes the lock file `path` (it holds "pid\nhost"). A lock whose process is gone on this host, or that another host
 * has not touched for a minute, is stale and taken over; a live one is an error naming its owner, so two runs into
 * one folder never race. The lock is also removed when this process exits without releasing it.
 */
export async function takeLock(path: string, what: string): Promise<FolderLock> {
  const mine = `${process.pid}\n${hostname()}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      try {
        await fh.writeFile(mine);
      } finally {
        await fh.close();
      }
      const onExit = () => {
        try {
          if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on('exit', onExit);
      const touch = setInterval(() => {
        const now = new Date();
        utimes(path, now, now).catch(() => undefined);
      }, LOCK_TOUCH_MS);
      touch.unref();
      return {
        release: async () => {
          clearInterval(touch);
          process.off('exit', onExit);
          if ((await readFile(path, 'utf8').catch(() => '')) === mine) await unlink(path).catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw describeFsError(e, 'creating files in', dirname(path));
    }
    const holder = await lockHolder(path);
    if (holder) {
      throw new OutputError(
        `another AugLens run (process ${holder}) is writing ${what}; wait for it to finish (if none is running, delete ${path})`,
      );
    }
    await unlink(path).catch(() => undefined);
  }
  throw new OutputError(`cannot take the lock ${path}: other runs keep taking it`);
}

/** The live owner of an existing lock ("pid on host"), or undefined when the lock is stale. */
async function lockHolder(path: string): Promise<string | undefined> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) throw new OutputError(`${path} is a folder in the way of AugLens' lock file: remove it`);
  if (!st.isFile()) return undefined;
  const [pidText, host] = (await readFile(path, 'utf8').catch(() => '')).split('\n');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return Date.now() - st.mtimeMs < BLANK_LOCK_GRACE_MS ? 'being started' : undefined;
  if (host !== hostname()) return Date.now() - st.mtimeMs > LOCK_LEASE_MS ? undefined : `${pid} on ${host}`;
  try {
    process.kill(pid, 0);
    return String(pid);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? String(pid) : undefined;
  }
}
