import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { MAX_POLICY_FILE_BYTES } from '../core/io/limits';
import { FileReadError, kindOf, readRegularFile } from '../core/io/regularFile';
import { UsageError } from './args';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/**
 * An image argument: a regular file, or a folder whose regular PNG/JPEG files are taken in name order. Entries of a
 * folder that only look like images (a folder, a FIFO or a device named *.png) are skipped with a note on stderr.
 */
export function listImages(p: string): string[] {
  let st;
  try {
    st = statSync(p);
  } catch {
    throw new UsageError(`${p}: no such image file or folder`);
  }
  if (!st.isDirectory()) {
    if (!st.isFile()) throw new UsageError(`${p}: the image is ${kindOf(st)}, not a regular file`);
    return [p];
  }
  const files = readdirSync(p)
    .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort()
    .map((f) => join(p, f))
    .filter((f) => {
      const kind = entryKind(f);
      if (kind === null) return true;
      console.error(`auglens: skipping ${f}: ${kind}, not an image file`);
      return false;
    });
  if (!files.length) throw new UsageError(`${p}: the folder holds no .png or .jpg image files`);
  return files;
}

/** null for a regular file (symbolic links followed), else what the entry is. */
function entryKind(path: string): string | null {
  try {
    const st = statSync(path);
    return st.isFile() ? null : kindOf(st);
  } catch {
    return 'a broken link';
  }
}

export function readPolicyFile(path: string): string {
  try {
    return readRegularFile(path, MAX_POLICY_FILE_BYTES, 'policy file').toString('utf8');
  } catch (e) {
    throw new UsageError(e instanceof FileReadError ? e.message : `${path}: cannot read the policy file`);
  }
}
