// One stability panel: a webview (a panel of its own, or the model editor of a .onnx file) showing one ONNX model,
// talking to its webview through panelProtocol. Holds the panel's session and runs its analyses.
import * as vscode from 'vscode';
import { EngineCancelled } from '../../engine/client';
import type { AnalysisResult } from '../../engine/contract/report';
import { type PanelInputs, defaultInputs } from '../../shared/panelInputs';
import {
  type HostToWebviewMessage,
  type PanelCommand,
  type PanelStatus,
  type WebviewToHostMessage,
  parseWebviewMessage,
} from '../../shared/panelProtocol';
import { type RunColumn, runColumns } from './analysisRun';
import { defaultPolicy } from './defaultPolicy';
import { actionsForFailure } from './engineErrorActions';
import { ActionableError, errorMessage as messageOf, notifyError } from '../common/actionableError';
import { log, showLog } from '../common/log';
import { formatBytes } from './formatBytes';
import type { ModelInspector } from '../modelFile/modelInspector';
import { panelResourceRoots, renderPanelHtml } from './panelHtml';
import { PanelSession } from './panelSession';
import type { SessionStore } from './sessionStore';
import { doneText, prepareRun } from './runRequest';
import { openSettings, readSettings } from '../common/settings';
import { basename, modelSummaryView, resultViews } from './viewResults';
import { existingImages, imageRef, pickImageFiles } from '../common/workspaceFiles';

export const PANEL_VIEW_TYPE = 'auglens.stabilityPanel';

export type PanelKind = 'panel' | 'editor';

/** What every panel shares: where the engine is, the model inspector, the stores, trust, and the export action. */
export interface PanelServices {
  readonly extensionUri: vscode.Uri;
  readonly enginePath: string;
  readonly inspector: ModelInspector;
  readonly store: SessionStore;
  isTrusted(): boolean;
  exportReport(panel: StabilityPanel): Promise<unknown>;
}

export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: panelResourceRoots(extensionUri) };
}

const RESTRICTED_NOTE =
  'Restricted Mode: AugLens loads and runs no model in an untrusted workspace (a model file can make onnxruntime ' +
  'read other files). Trust this workspace to see the model summary and run analyses; the policy editor works here.';

export class StabilityPanel implements vscode.Disposable {
  private readonly received = new vscode.EventEmitter<WebviewToHostMessage>();
  /** Validated messages from the webview; malformed ones are dropped before this fires. */
  readonly onDidReceiveMessage = this.received.event;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the run state or the results change (for the commands' context keys). */
  readonly onDidChangeState = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.received, this.changed];
  readonly session: PanelSession;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  /** The panel's "Training gradients" box as last sent with a run; runs started from VS Code commands reuse it. */
  private parameterGradients = false;

  constructor(
    readonly webviewPanel: vscode.WebviewPanel,
    readonly modelUri: vscode.Uri,
    readonly kind: PanelKind,
    private readonly services: PanelServices,
  ) {
    if (kind === 'panel') webviewPanel.title = `AugLens: ${this.fileName}`;
    webviewPanel.webview.options = panelOptions(services.extensionUri);
    webviewPanel.webview.html = renderPanelHtml(webviewPanel.webview, services.extensionUri);
    this.session = new PanelSession((m) => void this.post(m), this.savedInputs(), { level: 'info', text: '' });
    this.disposables.push(
      webviewPanel.webview.onDidReceiveMessage((raw: unknown) => this.handleMessage(raw)),
      webviewPanel.onDidChangeViewState(() => this.changed.fire()),
      webviewPanel.onDidDispose(() => this.dispose()),
    );
    void services.store.rememberModel(modelUri);
    void this.restoreResults();
  }

  get fileName(): string {
    return basename(this.modelUri.path);
  }

  get onDidDispose(): vscode.Event<void> {
    return this.webviewPanel.onDidDispose;
  }

  get isRunning(): boolean {
    return this.session.running;
  }

  reveal(): void {
    this.webviewPanel.reveal();
  }

  setStatus(status: PanelStatus): Thenable<boolean> {
    this.session.status = status;
    return this.post({ type: 'setStatus', status });
  }

  /** Moves the focus to an input of the panel (commands "Edit Policy", "Compare Two Policies"). */
  focus(target: 'policy' | 'policyB' | 'images'): void {
    this.reveal();
    void this.post({ type: 'focus', target });
  }

  private post(message: HostToWebviewMessage): Thenable<boolean> {
    return this.webviewPanel.webview.postMessage(message);
  }

  private savedInputs(): PanelInputs {
    const saved = this.services.store.inputs(this.modelUri);
    if (!saved) return defaultInputs();
    const { images, dropped } = existingImages(saved.images);
    if (dropped > 0) log.warn(`${this.fileName}: ${dropped} saved sample image(s) no longer exist`);
    return { ...saved, images };
  }

  updateInputs(inputs: PanelInputs, echo = true): void {
    this.session.setInputs(inputs, echo);
    void this.services.store.saveInputs(this.modelUri, inputs);
  }

  private async handleMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      log.warn(`${this.fileName}: dropped a malformed message from the panel`);
      return;
    }
    this.received.fire(message);
    switch (message.type) {
      case 'ready':
        await this.showEverything();
        break;
      case 'editInputs':
        this.updateInputs({ ...message.inputs, images: this.session.inputs.images }, false);
        break;
      case 'removeImage': {
        const images = this.session.inputs.images.filter((_, i) => i !== message.index);
        this.updateInputs({ ...this.session.inputs, images });
        break;
      }
      case 'command':
        if (message.parameters !== undefined) this.parameterGradients = message.parameters;
        await this.perform(message.command);
        break;
      case 'rendered':
        break;
    }
  }

  /** Runs a panel command; failures are shown with their fix actions (the promise itself never rejects). */
  perform(command: PanelCommand): Promise<void> {
    const run = async () => {
      switch (command) {
        case 'pickImages':
          return this.pickImages();
        case 'editPolicy':
          return this.focus('policy');
        case 'run':
          return this.run();
        case 'cancel':
          return this.cancel();
        case 'export':
          return this.services.exportReport(this);
        case 'showLog':
          return showLog();
        case 'openSettings':
          return openSettings();
        case 'manageTrust':
          return vscode.commands.executeCommand('workbench.trust.manage');
      }
    };
    return run().then(
      () => undefined,
      (error: unknown) => this.fail(error),
    );
  }

  private async showEverything(): Promise<void> {
    const trusted = this.services.isTrusted();
    if (!this.session.status.text) this.session.status = await this.initialStatus(trusted);
    await this.post({
      type: 'showModel',
      model: { fileName: this.fileName, uri: this.modelUri.toString() },
      mode: this.kind,
      trusted,
      display: readSettings().display,
      inputs: this.session.inputs,
      status: this.session.status,
    });
    for (const message of this.session.replay()) await this.post(message);
    await this.loadSummary();
  }

  private async initialStatus(trusted: boolean): Promise<PanelStatus> {
    if (!trusted) return { level: 'warning', text: RESTRICTED_NOTE, actions: ['manageTrust'] };
    try {
      const { size } = await vscode.workspace.fs.stat(this.modelUri);
      const suffix = this.session.hasResults ? 'Showing the last analysis.' : 'No analysis run yet.';
      return { level: 'info', text: `ONNX model, ${formatBytes(size)}. ${suffix}` };
    } catch (error) {
      return { level: 'error', text: `Cannot read the model file: ${messageOf(error)}`, actions: ['showLog'] };
    }
  }

  /** Called when the workspace becomes trusted: the panel can now load the model. */
  async trustGranted(): Promise<void> {
    this.session.status = { level: 'info', text: '' };
    await this.showEverything();
  }

  /** Redraws the whole panel (after the display settings changed). */
  refresh(): Promise<void> {
    return this.showEverything();
  }

  private async loadSummary(): Promise<void> {
    if (!this.services.isTrusted()) {
      this.session.setModelSummary({ type: 'modelSummary', state: 'restricted', summary: null, note: RESTRICTED_NOTE });
      return;
    }
    if (this.session.summary.state === 'ready') return;
    try {
      const summary = modelSummaryView(await this.services.inspector.inspect(this.modelUri));
      this.session.setModelSummary({ type: 'modelSummary', state: 'ready', summary, note: null });
      if (!this.session.inputs.policies[0].trim()) {
        const [, b] = this.session.inputs.policies;
        this.updateInputs({ ...this.session.inputs, policies: [defaultPolicy(summary), b] });
      }
    } catch (error) {
      log.error(`${this.fileName}: ${messageOf(error)}`);
      this.session.setModelSummary({ type: 'modelSummary', state: 'error', summary: null, note: messageOf(error) });
    }
  }

  private async pickImages(): Promise<void> {
    const picked = await pickImageFiles();
    if (!picked?.length) return;
    this.addImages(picked);
  }

  /** Adds images (chosen by the user through the host) to the sample images, without duplicates. */
  addImages(uris: readonly vscode.Uri[]): void {
    const known = new Set(this.session.inputs.images.map((i) => i.uri));
    const added = uris.map(imageRef).filter((ref) => !known.has(ref.uri));
    this.updateInputs({ ...this.session.inputs, images: [...this.session.inputs.images, ...added] });
  }

  /** Turns on the comparison of two policies, starting policy B from policy A when it is empty. */
  startCompare(): void {
    const [a, b] = this.session.inputs.policies;
    this.updateInputs({ ...this.session.inputs, compare: true, policies: [a, b.trim() ? b : a] });
    this.focus('policyB');
  }

  /** Runs the analysis of the current inputs; resolves when it ends (also when it fails or is cancelled). */
  run(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      this.abort = undefined;
      this.changed.fire();
    });
    return this.running;
  }

  cancel(): void {
    this.abort?.abort();
  }

  private async runOnce(): Promise<void> {
    if (!this.services.isTrusted()) throw new ActionableError('this workspace is in Restricted Mode: AugLens runs no model here.', ['manageTrust']);
    const columns = await prepareRun(this.modelUri, this.session.inputs, this.services.inspector, this.parameterGradients);
    const abort = new AbortController();
    this.abort = abort;
    const policyCount = columns.length;
    const imageCount = columns[0].params.imagePaths.length;
    this.session.startRun(policyCount);
    this.session.setStatus({
      level: 'busy',
      text: `Analysing ${imageCount} image${imageCount > 1 ? 's' : ''}${policyCount > 1 ? ' under two policies' : ''}...`,
      actions: ['cancel'],
    });
    this.changed.fire();
    log.info(`${this.fileName}: analysis of ${columns[0].labels.join(', ')} under ${columns.map((c) => JSON.stringify(c.params.policy)).join(' and ')}`);
    const started = Date.now();
    let results: AnalysisResult[] | null = null;
    try {
      results = await runColumns(this.services.enginePath, columns, this.runListener(), abort.signal);
      this.session.setStatus({ level: 'info', text: doneText(results, Date.now() - started) });
      log.info(`${this.fileName}: ${doneText(results, Date.now() - started)}`);
      await this.storeResults(results, columns);
    } catch (error) {
      if (error instanceof EngineCancelled) {
        log.info(`${this.fileName}: analysis cancelled`);
        this.session.setStatus({ level: 'info', text: 'Analysis cancelled; the engine process was stopped.' });
        return;
      }
      throw new ActionableError(messageOf(error), actionsForFailure(error));
    } finally {
      this.session.endRun(results);
    }
  }

  private runListener(): Parameters<typeof runColumns>[2] {
    return {
      progress: (column, stage, fraction, message) => this.session.setProgress({ type: 'progress', column, stage, fraction, message }),
      image: (column, index, count, view) => this.session.setImage(column, index, count, view),
      summary: (column, summary) => this.session.setSummary(column, summary),
      log: (message) => log.info(message),
    };
  }

  private async storeResults(results: AnalysisResult[], columns: RunColumn[]): Promise<void> {
    const summaries = this.session.summaries();
    if (summaries.length !== results.length) return;
    await this.services.store
      .saveResults(this.modelUri, { results, summaries, labels: columns[0].labels })
      .then(undefined, (error: unknown) => log.warn(`could not store the results: ${messageOf(error)}`));
  }

  private async restoreResults(): Promise<void> {
    const stored = await this.services.store.results(this.modelUri);
    if (!stored || this.session.running || this.session.hasResults) return;
    const views = stored.results.map((r) => resultViews(r, stored.labels));
    this.session.restoreResults(stored.results, stored.summaries, views);
    this.changed.fire();
  }

  /** Shows a failure in the panel's status line and as a notification, each with the actions that fix it. */
  fail(error: unknown): void {
    const actionable = error instanceof ActionableError ? error : new ActionableError(messageOf(error), ['showLog']);
    const text = actionable.message.charAt(0).toUpperCase() + actionable.message.slice(1);
    this.session.setStatus({ level: 'error', text, actions: actionable.actions });
    notifyError(actionable, (action) => void this.perform(action));
  }

  dispose(): void {
    this.cancel();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
