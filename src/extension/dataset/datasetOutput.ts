// Where the extension's dataset runs write: `.auglens/datasets/<folder name>-<hash of its path>/` in the workspace
// folder holding the dataset (else the first workspace folder, else the extension's storage), one folder per dataset
// folder, so that running the command again on the same folder resumes its results.jsonl. Pure: no vscode.
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';

export const DATASETS_FOLDER = join('.auglens', 'datasets');

/** The folder that holds every dataset run's folder under `base` (a workspace folder or the extension's storage). */
export function datasetRunsRoot(base: string): string {
  return join(base, DATASETS_FOLDER);
}

/** The run folder of the dataset at `datasetPath` (absolute): its name, then 8 hex digits of the path's SHA-1. */
export function datasetRunFolder(base: string, datasetPath: string): string {
  const digest = createHash('sha1').update(datasetPath, 'utf8').digest('hex').slice(0, 8);
  const name = basename(datasetPath).replace(/[^\w.-]+/g, '_') || 'dataset';
  return join(datasetRunsRoot(base), `${name}-${digest}`);
}
