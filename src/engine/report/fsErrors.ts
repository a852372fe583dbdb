/** An output location that cannot be used or written, described in words (no raw errno text). */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** `verb` is what was being done to `path`, e.g. 'writing' or 'creating'. */
export function describeFsError(e: unknown, verb: string, path: string): OutputError {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return new OutputError(`no space left on device ${verb} ${path}`);
    case 'EDQUOT':
      return new OutputError(`disk quota exceeded ${verb} ${path}`);
    case 'EROFS':
      return new OutputError(`${path}: the file system is read-only`);
    case 'EACCES':
    case 'EPERM':
      return new OutputError(`permission denied ${verb} ${path}`);
    case 'ENOTDIR':
      return new OutputError(`${path}: a part of the path is a file, not a folder`);
    case 'EISDIR':
      return new OutputError(`${path} is a folder`);
    case 'EEXIST':
      return new OutputError(`${path} already exists`);
    case 'ELOOP':
      return new OutputError(`${path} is a symbolic link: AugLens does not write through links`);
    case 'ENOENT':
      return new OutputError(`cannot finish ${verb} ${path}: the folder does not exist or does not accept new files`);
    case 'ENAMETOOLONG':
      return new OutputError(`${path}: the name is too long`);
    case 'EBUSY':
      return new OutputError(`${path} is in use (a mount point or open elsewhere)`);
    case 'EXDEV':
      return new OutputError(`${path} is on another file system than its folder`);
    case 'EIO':
      return new OutputError(`input/output error ${verb} ${path}`);
    default:
      return new OutputError(`cannot finish ${verb} ${path} (${code ?? (e as Error).message})`);
  }
}
