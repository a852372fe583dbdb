// Path containment for untrusted paths. Pure: POSIX-style paths as in URI paths.
import { posix } from 'node:path';

/** True when `candidate` names a file strictly inside `folder` once `.` and `..` segments are resolved. */
export function isPathInside(folder: string, candidate: string): boolean {
  const root = posix.normalize(folder).replace(/\/+$/, '');
  const path = posix.normalize(candidate);
  return path.startsWith(`${root}/`) && path.length > root.length + 1;
}
