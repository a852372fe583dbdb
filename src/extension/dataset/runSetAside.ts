// "Keep Both": a dataset run's folder moved aside (to `<folder>-2`, `-3`, ...) so that a run of the same dataset
// folder under another model, policy or settings starts in its place, and the two can be compared. No vscode.
import { rename, stat } from 'node:fs/promises';

const exists = (path: string): Promise<boolean> => stat(path).then(
  () => true,
  () => false,
);

/** Moves `resultsDir` to the first free `<resultsDir>-N` (N from 2) and returns where it went. */
export async function setAsideRunFolder(resultsDir: string): Promise<string> {
  for (let n = 2; ; n++) {
    const target = `${resultsDir}-${n}`;
    if (await exists(target)) continue;
    await rename(resultsDir, target);
    return target;
  }
}
