import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Why a path could not be read as a file: the message names the path and the cause in words. */
export class FileReadError extends Error {
  constructor(
    message: string,
    readonly code: 'missing' | 'not-regular' | 'too-large' | 'unreadable',
  ) {
    super(message);
    this.name = 'FileReadError';
  }
}

/**
 * Reads a regular file of at most `maxBytes` bytes. Anything else (a folder, a FIFO, a device such as /dev/zero, a
 * socket) is refused before a byte is read, and the open does not block on a FIFO: reading one could wait forever.
 * Messages read "PATH: cannot read the WHAT: CAUSE", `what` naming the file's role ("image", "policy file", ...).
 */
export function readRegularFile(path: string, maxBytes: number, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileReadError(`${path}: cannot read the ${what}: no such file`, 'missing');
    throw new FileReadError(`${path}: cannot read the ${what}: ${errnoText(e)}`, 'unreadable');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileReadError(`${path}: cannot read the ${what}: it is ${kindOf(st)}, not a regular file`, 'not-regular');
    if (st.size > maxBytes) {
      throw new FileReadError(`${path}: cannot read the ${what}: it is ${formatBytes(st.size)}, more than the ${formatBytes(maxBytes)} allowed`, 'too-large');
    }
    const bytes = Buffer.allocUnsafe(st.size);
    let filled = 0;
    while (filled < bytes.length) {
      const n = readSync(fd, bytes, filled, bytes.length - filled, null);
      if (n === 0) break;
      filled += n;
    }
    return bytes.subarray(0, filled);
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    throw new FileReadError(`${path}: cannot read the ${what}: ${errnoText(e)}`, 'unreadable');
  } finally {
    closeSync(fd);
  }
}

/** What a non-regular path is, in words. */
export function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(n >= 10 * 1024 ** 2 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} kB`;
  return `${n} bytes`;
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return (err.code && ERRNO_WORDS[err.code]) ?? err.code ?? err.message;
}
