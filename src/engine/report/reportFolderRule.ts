import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFsError, OutputError } from './fsErrors';
import { DATASET_REPORT_FILE, REPORT_FILE } from '../contract/reportFiles';

/** Names of the files AugLens writes into a report folder (CLI reports, the example's inputs, dataset runs and merges). */
const WRITTEN_NAME =
  /^(report\.json|report\.html|results\.jsonl|dataset\.json|example\.png|example-model\.onnx|(image\d+_)?((mean|variance|eigenvectors|saliency|saliency_mean|saliency_times_std)\.npy|(mean|variance|saliency|saliency_times_std|eigen_\d+)\.png))$/;

/** A report.json larger than this is not read (ours hold a few MB for hundreds of images). */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/**
 * The rule that keeps user files safe: an existing output folder may be replaced only when it is empty or holds an
 * AugLens report (a report.json with a schemaVersion, policy and images) and nothing but files AugLens writes.
 * Throws an OutputError saying why the folder is not replaceable.
 */
export async function checkReplaceable(dir: string): Promise<void> {
  const names = await readdir(dir).catch((e) => {
    throw describeFsError(e, 'reading', dir);
  });
  if (names.length === 0) return;
  const foreign: string[] = [];
  const links: string[] = [];
  for (const name of names) {
    const st = await lstat(join(dir, name));
    if (st.isSymbolicLink()) links.push(name);
    else if (!st.isFile() || !WRITTEN_NAME.test(name)) foreign.push(name);
  }
  if (links.length) {
    throw new OutputError(`${dir} holds symbolic links (${listed(links)}); AugLens does not write through links and leaves them alone: choose a new folder`);
  }
  if (foreign.length) {
    throw new OutputError(
      `${dir} holds files AugLens did not write (${listed(foreign)}); AugLens replaces only an empty folder or an earlier AugLens report: choose a new folder`,
    );
  }
  const marker = names.includes(REPORT_FILE) ? REPORT_FILE : names.includes(DATASET_REPORT_FILE) ? DATASET_REPORT_FILE : undefined;
  const st = marker ? await lstat(join(dir, marker)) : undefined;
  if (!marker || !st || st.size > MAX_REPORT_BYTES || !isReport(await readFile(join(dir, marker), 'utf8'))) {
    throw new OutputError(`${dir} holds no AugLens report.json or dataset.json; AugLens replaces only an empty folder or an earlier AugLens report: choose a new folder`);
  }
}

/** A report.json, or a dataset run's or merge's dataset.json. */
function isReport(text: string): boolean {
  try {
    const r = JSON.parse(text);
    if (typeof r?.datasetVersion === 'number') return typeof r.run === 'object' && typeof r.images === 'object';
    return typeof r?.schemaVersion === 'number' && typeof r.policy === 'object' && Array.isArray(r.images);
  } catch {
    return false;
  }
}

function listed(names: readonly string[]): string {
  return names.slice(0, 3).join(', ') + (names.length > 3 ? `, and ${names.length - 3} more` : '');
}
