// What a panel keeps across hiding, closing and reloading the window: its inputs (workspace state, validated when
// read back), the models the user opened, and the last results (a v8-serialised file in the extension's storage).
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import * as vscode from 'vscode';
import type { AnalysisResult } from '../../engine/contract/report';
import { type PanelInputs, parseInputs } from '../../shared/panelInputs';
import { type RunSummaryView, parseRunSummary } from '../../shared/resultsView';

const INPUTS_KEY = 'auglens.inputs:';
const MODELS_KEY = 'auglens.openedModels';
const MAX_REMEMBERED_MODELS = 100;

/** The results of a panel's last finished run: one analysis per policy. */
export interface StoredResults {
  results: AnalysisResult[];
  summaries: RunSummaryView[];
  labels: string[];
}

export class SessionStore {
  constructor(
    private readonly state: vscode.Memento,
    private readonly storage: vscode.Uri,
  ) {}

  inputs(model: vscode.Uri): PanelInputs | undefined {
    return parseInputs(this.state.get<unknown>(INPUTS_KEY + model.toString()));
  }

  saveInputs(model: vscode.Uri, inputs: PanelInputs): Thenable<void> {
    return this.state.update(INPUTS_KEY + model.toString(), inputs);
  }

  /** Models opened through a command or the editor: a restored panel may show them even outside the workspace. */
  isKnownModel(model: vscode.Uri): boolean {
    return this.state.get<string[]>(MODELS_KEY, []).includes(model.toString());
  }

  rememberModel(model: vscode.Uri): Thenable<void> {
    const key = model.toString();
    const models = this.state.get<string[]>(MODELS_KEY, []).filter((m) => m !== key);
    return this.state.update(MODELS_KEY, [key, ...models].slice(0, MAX_REMEMBERED_MODELS));
  }

  private resultsFile(model: vscode.Uri): vscode.Uri {
    const name = createHash('sha256').update(model.toString()).digest('hex').slice(0, 32);
    return vscode.Uri.joinPath(this.storage, 'results', `${name}.bin`);
  }

  async saveResults(model: vscode.Uri, stored: StoredResults): Promise<void> {
    const file = this.resultsFile(model);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(file, '..'));
    await vscode.workspace.fs.writeFile(file, serialize(stored));
  }

  /** The stored results, or undefined when there are none or the file is unreadable. */
  async results(model: vscode.Uri): Promise<StoredResults | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(this.resultsFile(model));
    } catch {
      return undefined;
    }
    try {
      const value = deserialize(bytes) as Partial<StoredResults>;
      const summaries = Array.isArray(value.summaries) ? value.summaries.map(parseRunSummary) : [];
      const ok =
        Array.isArray(value.results) &&
        Array.isArray(value.labels) &&
        value.results.length === summaries.length &&
        summaries.every((s) => s !== undefined) &&
        value.results.every((r) => r?.report && Array.isArray(r.arrays) && r.arrays.length === r.report.images.length);
      return ok ? { results: value.results!, summaries: summaries as RunSummaryView[], labels: value.labels! } : undefined;
    } catch {
      return undefined;
    }
  }
}
