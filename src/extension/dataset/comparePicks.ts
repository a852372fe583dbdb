// Choosing the dataset runs to compare: a quick pick of the runs under .auglens/datasets/ (model, policy, image
// count from each results.jsonl), or "Browse..." for any run file; then the comparison shown in run A's panel.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../common/actionableError';
import { log } from '../common/log';
import { compareDatasetRuns } from './datasetCompare';
import type { DatasetPanel } from './datasetPanel';
import { type DatasetRunEntry, listDatasetRuns } from './datasetRunList';

interface RunItem extends vscode.QuickPickItem {
  readonly file?: string;
}

const BROWSE: RunItem = { label: '$(folder-opened) Browse...', detail: 'A results.jsonl (or report.json) anywhere' };

function runItem(run: DatasetRunEntry): RunItem {
  const failed = run.failed ? `, ${run.failed} failed` : '';
  return {
    label: run.policy,
    description: `${run.model ? basename(run.model) : 'no model'} \u00B7 ${run.images} images${failed}`,
    detail: `${basename(run.root)} \u00B7 ${run.createdAt.slice(0, 16).replace('T', ' ')} \u00B7 ${run.file}`,
    file: run.file,
  };
}

/** The runs as groups under separators, then Browse...; the chosen run's file, or undefined when dismissed. */
async function pickRun(title: string, groups: readonly (readonly [string, readonly DatasetRunEntry[]])[], placeHolder: string): Promise<string | undefined> {
  const items: RunItem[] = groups.flatMap(([name, runs]) =>
    runs.length ? [{ label: name, kind: vscode.QuickPickItemKind.Separator }, ...runs.map(runItem)] : [],
  );
  const picked = await vscode.window.showQuickPick<RunItem>([...items, BROWSE], { title, placeHolder, matchOnDescription: true, matchOnDetail: true });
  if (!picked) return undefined;
  if (picked.file) return picked.file;
  const uris = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    filters: { 'AugLens runs': ['jsonl', 'json'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return uris?.[0]?.fsPath;
}

/** "Compare with another run...": another run of the panel's dataset folder, compared with the panel's run. */
export async function compareWithPickedRun(panel: DatasetPanel, bases: readonly string[]): Promise<void> {
  const name = basename(panel.session.root);
  const runs = (await listDatasetRuns(bases)).filter((r) => r.root === panel.session.root && r.file !== panel.session.resultsFile);
  const placeHolder = runs.length ? `A: this run of ${name}; B: the run to compare it with` : `No other run of ${name} under .auglens/datasets: browse for one`;
  const file = await pickRun(`AugLens: compare ${name} with another run`, [[`runs of ${name}`, runs]], placeHolder);
  if (file) await showComparison(panel, file);
}

/** Runs A and B for "AugLens: Compare Dataset Runs": A a dataset run's results.jsonl, B any run (its folder's first). */
export async function pickTwoRuns(bases: readonly string[]): Promise<readonly [string, string] | undefined> {
  const runs = await listDatasetRuns(bases);
  const a = await pickRun('AugLens: compare dataset runs (1/2): run A', [['dataset runs', runs]], 'The run to compare against (its panel shows the comparison)');
  if (!a) return undefined;
  const root = runs.find((r) => r.file === a)?.root;
  const others = runs.filter((r) => r.file !== a);
  const b = await pickRun(
    'AugLens: compare dataset runs (2/2): run B',
    [
      ['runs of the same folder', others.filter((r) => r.root === root)],
      ['other folders', others.filter((r) => r.root !== root)],
    ],
    'The run to compare with A: differences are B - A',
  );
  return b ? [a, b] : undefined;
}

/** Compares the panel's run (A) with the run in `fileB` and shows it in the panel; a failure is shown to the user. */
export async function showComparison(panel: DatasetPanel, fileB: string): Promise<void> {
  try {
    await panel.showComparison(await compareDatasetRuns(panel.session.resultsFile, fileB));
  } catch (error) {
    log.error(`comparing ${panel.session.resultsFile} with ${fileB}: ${errorMessage(error)}`);
    void vscode.window.showErrorMessage(`AugLens: cannot compare the runs: ${errorMessage(error)}`);
  }
}
