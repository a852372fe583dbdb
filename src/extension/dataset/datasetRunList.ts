// The dataset runs the extension wrote (`.auglens/datasets/*/results.jsonl` under each base: the workspace folders
// and the extension's storage), each described by its header and its records, for the runs' quick pick. No vscode.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULTS_FILE } from '../../engine/contract/reportFiles';
import { scanResults } from '../../engine/dataset/resultsFile';
import { datasetRunsRoot } from './datasetOutput';

export interface DatasetRunEntry {
  /** The run's results.jsonl. */
  readonly file: string;
  /** The dataset folder its images are relative to. */
  readonly root: string;
  readonly model: string | null;
  readonly policy: string;
  readonly createdAt: string;
  /** Images with a record (the last one counts), and how many of them failed. */
  readonly images: number;
  readonly failed: number;
}

/** A run's description from its results.jsonl, or null when the file is not a readable run. */
export async function describeRun(file: string): Promise<DatasetRunEntry | null> {
  const failedLast = new Map<string, boolean>();
  try {
    const { header } = await scanResults(file, (record) => failedLast.set(record.path, record.kind === 'error'));
    const failed = [...failedLast.values()].filter(Boolean).length;
    return { file, root: header.root, model: header.model?.path ?? null, policy: header.policy.canonical, createdAt: header.createdAt, images: failedLast.size, failed };
  } catch {
    return null;
  }
}

/** Every readable run under the bases, newest first. */
export async function listDatasetRuns(bases: readonly string[]): Promise<DatasetRunEntry[]> {
  const files: string[] = [];
  for (const base of new Set(bases)) {
    const root = datasetRunsRoot(base);
    const folders = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const f of folders) if (f.isDirectory()) files.push(join(root, f.name, RESULTS_FILE));
  }
  const runs = await Promise.all(files.map(describeRun));
  return runs.filter((r): r is DatasetRunEntry => r !== null).sort((p, q) => (p.createdAt < q.createdAt ? 1 : p.createdAt > q.createdAt ? -1 : 0));
}
