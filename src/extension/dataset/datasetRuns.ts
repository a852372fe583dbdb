// Command "AugLens: Analyse Dataset" and the dataset panels: one DatasetSession per dataset folder, run with the
// current stability panel's model, policy and preprocessing, in the engine process, with a progress notification
// (Cancel kills the engine; what finished stays in results.jsonl and the next run continues it). Panels restored after
// a reload read their run back from results.jsonl. Clicking a row opens that image in the model's stability panel.
import { realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { PolicyError, lineColumn, parsePolicy } from '../../core/policy';
import { EngineCancelled } from '../../engine/client';
import { RESULTS_FILE } from '../../engine/contract/reportFiles';
import type { DatasetRow } from '../../engine/dataset/datasetRows';
import { parseDatasetPanelState } from '../../shared/datasetProtocol';
import { ActionableError, errorMessage } from '../common/actionableError';
import { log } from '../common/log';
import { isPathInside } from '../common/pathCheck';
import { readSettings } from '../common/settings';
import { imageRef } from '../common/workspaceFiles';
import { panelAnalyzeParams } from '../panel/panelAnalyzeParams';
import type { PanelRegistry } from '../panel/panelRegistry';
import type { PanelServices, StabilityPanel } from '../panel/stabilityPanel';
import { actionsForFailure } from '../panel/engineErrorActions';
import { compareWithPickedRun, pickTwoRuns, showComparison } from './comparePicks';
import { datasetRunFolder, datasetRunsRoot } from './datasetOutput';
import { setAsideRunFolder } from './runSetAside';
import { DATASET_VIEW_TYPE, DatasetPanel, datasetPanelOptions } from './datasetPanel';
import { type DatasetAnalysis, DatasetSession, DifferentRunError, datasetAnalysis } from './datasetSession';

const START_OVER = 'Start Over';
const KEEP_BOTH = 'Keep Both';

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

export class DatasetRuns implements vscode.Disposable {
  private readonly sessions = new Map<string, DatasetSession>();
  private readonly panels = new Map<DatasetSession, DatasetPanel>();
  private readonly aborts = new Map<DatasetSession, AbortController>();

  constructor(
    private readonly services: PanelServices,
    private readonly registry: PanelRegistry,
    /** Where runs go when no workspace folder is open (the extension's storage). */
    private readonly storage: vscode.Uri,
  ) {}

  /** The open dataset panels (for the tests). */
  all(): DatasetPanel[] {
    return [...this.panels.values()];
  }

  /**
   * Analyses `folder` with the current stability panel's model and inputs; resolves when the run ends (finished,
   * cancelled or failed: failures are shown, never thrown).
   */
  async analyse(folder: vscode.Uri, panel: StabilityPanel): Promise<void> {
    let session: DatasetSession | undefined;
    try {
      if (!this.services.isTrusted()) throw new ActionableError('this workspace is in Restricted Mode: AugLens runs no model here.', ['manageTrust']);
      const analysis = await this.analysisOf(panel);
      const resultsDir = datasetRunFolder(this.outputBase(folder), folder.fsPath);
      session = this.sessions.get(resultsDir) ?? new DatasetSession(folder.fsPath, resultsDir);
      this.sessions.set(resultsDir, session);
      const shown = this.show(session);
      if (this.aborts.has(session)) return;
      log.info(`${basename(folder.fsPath)}: dataset run under ${JSON.stringify(analysis.policy)} into ${resultsDir}`);
      await this.runWithProgress(session, shown, analysis);
    } catch (error) {
      const message = errorMessage(error);
      const actionable = error instanceof ActionableError ? error : new ActionableError(message, actionsForFailure(error));
      if (session) this.panels.get(session)?.setStatus(`Failed: ${message}`);
      panel.fail(actionable);
    }
  }

  private async runWithProgress(session: DatasetSession, shown: DatasetPanel, analysis: DatasetAnalysis): Promise<void> {
    const name = basename(session.root);
    const abort = new AbortController();
    this.aborts.set(session, abort);
    const started = Date.now();
    shown.setStatus('');
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `AugLens: analysing ${name}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          let reported = 0;
          const changes = session.onChange(() => {
            const fraction = session.total ? session.done / session.total : 0;
            progress.report({ increment: 100 * (fraction - reported), message: `${session.done} of ${session.total} images` });
            reported = fraction;
          });
          try {
            await this.runOrStartOver(session, analysis, abort.signal);
          } finally {
            changes.dispose();
          }
        },
      );
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const failed = session.report()?.images.failed ?? 0;
      const failures = failed ? ` (${failed} failed: listed below the table)` : '';
      shown.setStatus(`Done in ${seconds} s: ${session.done} images${failures}; results in ${session.resultsFile} and dataset.json beside it.`);
    } catch (error) {
      if (!(error instanceof EngineCancelled)) throw error;
      shown.setStatus(`Cancelled: ${session.done} of ${session.total} images in ${session.resultsFile}; run the command again to continue.`);
    } finally {
      this.aborts.delete(session);
    }
  }

  /** Runs; when the folder holds another run's results, asks whether to replace them or keep them aside. */
  private async runOrStartOver(session: DatasetSession, analysis: DatasetAnalysis, signal: AbortSignal): Promise<void> {
    const onLog = (message: string) => log.info(message);
    try {
      await session.run(this.services.enginePath, analysis, { signal, onLog });
    } catch (error) {
      if (!(error instanceof DifferentRunError)) throw error;
      const choice = await vscode.window.showWarningMessage(
        `AugLens: ${error.message}. Start over (its results are removed), keep both (its results move to a folder of their own, to compare the runs), or cancel and go back to the model, policy and settings it was run with?`,
        { modal: true },
        START_OVER,
        KEEP_BOTH,
      );
      if (choice !== START_OVER && choice !== KEEP_BOTH) throw new EngineCancelled();
      if (choice === KEEP_BOTH) log.info(`${basename(session.root)}: the earlier run kept in ${await setAsideRunFolder(session.resultsDir)}`);
      await session.clearResults();
      await session.run(this.services.enginePath, analysis, { signal, onLog });
    }
  }

  /** The panel's single-image request made a dataset request: model, policy A, preprocessing, size, settings. */
  private async analysisOf(panel: StabilityPanel): Promise<DatasetAnalysis> {
    const { inputs } = panel.session;
    const policy = inputs.policies[0];
    try {
      parsePolicy(policy);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      const { line, column } = lineColumn(policy, error.span.start);
      throw new ActionableError(`the policy has an error at line ${line}, column ${column}: ${error.message}`, ['editPolicy']);
    }
    let inputSize: readonly [number, number] | null;
    try {
      inputSize = (await this.services.inspector.inspect(panel.modelUri)).inputSize;
    } catch (error) {
      throw new ActionableError(errorMessage(error), ['showLog']);
    }
    const params = panelAnalyzeParams({ modelPath: panel.modelUri.fsPath, imagePaths: [], policy, inputs, modelInputSize: inputSize, settings: readSettings() });
    return datasetAnalysis(params);
  }

  /**
   * The workspace folder holding the dataset, else the first one, else the extension's storage; the storage too when
   * the dataset folder holds the workspace's .auglens (the run folder would become one of its classes).
   */
  private outputBase(folder: vscode.Uri): string {
    const workspace = vscode.workspace.getWorkspaceFolder(folder) ?? vscode.workspace.workspaceFolders?.[0];
    const base = (workspace?.uri ?? this.storage).fsPath;
    return isPathInside(folder.path, vscode.Uri.file(datasetRunsRoot(base)).path) ? this.storage.fsPath : base;
  }

  private show(session: DatasetSession): DatasetPanel {
    const existing = this.panels.get(session);
    if (existing) {
      existing.webviewPanel.reveal();
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      DATASET_VIEW_TYPE,
      'AugLens Dataset',
      vscode.ViewColumn.Active,
      datasetPanelOptions(this.services.extensionUri, session.root),
    );
    return this.track(webviewPanel, session);
  }

  private track(webviewPanel: vscode.WebviewPanel, session: DatasetSession): DatasetPanel {
    const panel = new DatasetPanel(webviewPanel, session, this.services.extensionUri, {
      openImage: (s, row) => this.openImage(s, row),
      cancel: (s) => this.aborts.get(s)?.abort(),
      compare: (p) => compareWithPickedRun(p, this.runBases()),
    });
    this.panels.set(session, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(session) === panel) this.panels.delete(session);
    });
    return panel;
  }

  /**
   * A panel VS Code restored after a reload: its run read back from the results.jsonl its saved state names, which
   * must be a run folder of this workspace (or of the extension's storage), since the state comes from the webview.
   */
  async restore(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const dir = this.knownRunFolder(parseDatasetPanelState(state)?.resultsDir);
    if (!dir) return webviewPanel.dispose();
    try {
      const session = this.sessions.get(dir) ?? (await DatasetSession.restore(dir));
      this.sessions.set(dir, session);
      this.panels.get(session)?.webviewPanel.dispose();
      this.track(webviewPanel, session);
    } catch (error) {
      log.warn(`could not restore the dataset panel of ${dir}: ${errorMessage(error)}`);
      webviewPanel.dispose();
    }
  }

  /**
   * "AugLens: Compare Dataset Runs": run A's panel (opened from its results.jsonl when none shows it) shows A against
   * B; the runs are asked for unless given (a dataset run's results.jsonl for A, any run for B).
   */
  async compare(a?: vscode.Uri, b?: vscode.Uri): Promise<void> {
    const files = a && b ? ([a.fsPath, b.fsPath] as const) : await pickTwoRuns(this.runBases());
    if (!files) return;
    if (basename(files[0]) !== RESULTS_FILE) {
      void vscode.window.showErrorMessage(`AugLens: run A must be a dataset run's ${RESULTS_FILE} (its panel shows the comparison), not ${files[0]}.`);
      return;
    }
    const dir = dirname(files[0]);
    let session: DatasetSession;
    try {
      session = this.sessions.get(dir) ?? (await DatasetSession.restore(dir));
    } catch (error) {
      void vscode.window.showErrorMessage(`AugLens: cannot read run A (${files[0]}): ${errorMessage(error)}`);
      return;
    }
    this.sessions.set(dir, session);
    await showComparison(this.show(session), files[1]);
  }

  /** Where the extension's dataset runs are: the workspace folders and the extension's storage. */
  private runBases(): string[] {
    return [...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), this.storage.fsPath];
  }

  private knownRunFolder(dir: string | undefined): string | undefined {
    const real = dir && realPath(dir);
    if (!real) return undefined;
    const bases = this.runBases();
    return bases.some((base) => {
      const runs = realPath(datasetRunsRoot(base));
      return runs !== undefined && isPathInside(runs, real);
    })
      ? dir
      : undefined;
  }

  /** Opens the image in its model's stability panel, with the run's policy and the image's class, and analyses it. */
  private async openImage(session: DatasetSession, row: DatasetRow): Promise<void> {
    const model = session.header?.model?.path;
    const root = vscode.Uri.file(session.root);
    const image = vscode.Uri.joinPath(root, row.path);
    if (!model || !isPathInside(root.path, image.path)) return;
    const panel = this.registry.open(vscode.Uri.file(model));
    const [, policyB] = panel.session.inputs.policies;
    const policy = session.header?.policy.text ?? panel.session.inputs.policies[0];
    panel.updateInputs({ ...panel.session.inputs, images: [imageRef(image)], policies: [policy, policyB], compare: false, label: row.label });
    panel.reveal();
    await panel.perform('run');
  }

  dispose(): void {
    for (const abort of this.aborts.values()) abort.abort();
    for (const panel of this.panels.values()) panel.webviewPanel.dispose();
    this.panels.clear();
  }
}
