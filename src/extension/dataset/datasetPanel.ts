// The dataset panel: a webview of its own showing one DatasetSession (table, per-class chart, failures), talking to
// its webview through datasetProtocol. It draws from the session, which the run fills whether or not the panel is
// visible: a webview that was hidden (and dropped by VS Code) asks again with `ready` and gets everything back.
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { DatasetRow } from '../../engine/dataset/datasetRows';
import type { DatasetComparison } from '../../shared/datasetComparison';
import {
  type DatasetRenderedCompareMessage,
  type DatasetRenderedMessage,
  type HostToDatasetMessage,
  MAX_ROWS_PER_MESSAGE,
  parseDatasetToHostMessage,
} from '../../shared/datasetProtocol';
import { log } from '../common/log';
import { panelResourceRoots, renderPanelHtml } from '../panel/panelHtml';
import type { DatasetSession } from './datasetSession';
import { classBars, rowViews } from './datasetViews';
import { RESULTS_FILE } from '../../engine/contract/reportFiles';

export const DATASET_VIEW_TYPE = 'auglens.datasetPanel';

/** How often the panel is sent the records that arrived, at most. */
const FLUSH_INTERVAL_MS = 250;

export interface DatasetPanelActions {
  /** The user clicked a row: open that image's full analysis. */
  openImage(session: DatasetSession, row: DatasetRow): Promise<void>;
  cancel(session: DatasetSession): void;
  /** "Compare with another run...": pick the run and show the comparison. */
  compare(panel: DatasetPanel): Promise<void>;
}

/** Scripts and styles from the extension, thumbnails from the dataset folder: nothing else. */
export function datasetPanelOptions(extensionUri: vscode.Uri, root: string): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [...panelResourceRoots(extensionUri), vscode.Uri.file(root)] };
}

export class DatasetPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private status = '';
  /** What the webview last said it shows. */
  rendered: DatasetRenderedMessage | undefined;
  /** The comparison the panel shows instead of its table, until the user goes back. */
  comparison: DatasetComparison | undefined;
  renderedCompare: DatasetRenderedCompareMessage | undefined;

  constructor(
    readonly webviewPanel: vscode.WebviewPanel,
    readonly session: DatasetSession,
    extensionUri: vscode.Uri,
    private readonly actions: DatasetPanelActions,
  ) {
    webviewPanel.title = `AugLens Dataset: ${basename(session.root)}`;
    webviewPanel.webview.options = datasetPanelOptions(extensionUri, session.root);
    webviewPanel.webview.html = renderPanelHtml(webviewPanel.webview, extensionUri, 'datasetView.js');
    const changes = session.onChange((paths) => this.queue(paths));
    this.disposables.push(
      { dispose: () => changes.dispose() },
      webviewPanel.webview.onDidReceiveMessage((raw: unknown) => void this.handleMessage(raw)),
      webviewPanel.onDidDispose(() => this.dispose()),
    );
  }

  get onDidDispose(): vscode.Event<void> {
    return this.webviewPanel.onDidDispose;
  }

  setStatus(text: string): void {
    this.status = text;
    this.queue([]);
  }

  /** The table's image rows as the webview was sent them (for the tests). */
  imageRows(): ReturnType<typeof rowViews>['images'] {
    return this.views(this.session.sortedRows()).images;
  }

  private async handleMessage(raw: unknown): Promise<void> {
    const message = parseDatasetToHostMessage(raw);
    if (!message) {
      log.warn(`${basename(this.session.root)}: dropped a malformed message from the dataset panel`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.pending.clear();
        await this.showAll();
        if (this.comparison) await this.post({ type: 'datasetCompare', comparison: this.comparison });
        break;
      case 'openImage': {
        const row = this.session.row(message.path);
        if (row) await this.actions.openImage(this.session, row);
        else log.warn(`${basename(this.session.root)}: the dataset panel asked for an image the run does not hold`);
        break;
      }
      case 'cancel':
        this.actions.cancel(this.session);
        break;
      case 'rendered':
        this.rendered = message;
        break;
      case 'compareRuns':
        await this.actions.compare(this);
        break;
      case 'closeCompare':
        this.comparison = undefined;
        this.renderedCompare = undefined;
        break;
      case 'renderedCompare':
        this.renderedCompare = message;
        break;
    }
  }

  /** Shows the comparison of this run (A) with another (B) instead of the table, revealing the panel. */
  async showComparison(comparison: DatasetComparison): Promise<void> {
    this.comparison = comparison;
    this.renderedCompare = undefined;
    this.webviewPanel.reveal();
    await this.post({ type: 'datasetCompare', comparison });
  }

  /** Records are sent in batches, at most every FLUSH_INTERVAL_MS; [] marks a change of the run's state. */
  private queue(paths: readonly string[]): void {
    for (const p of paths) this.pending.add(p);
    if (!paths.length) this.pending.add('');
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_INTERVAL_MS);
  }

  private async flush(): Promise<void> {
    const changed = this.pending;
    this.pending = new Set();
    const rows = this.session.sortedRows().filter((r) => changed.has(r.path));
    const { images, failures } = this.views(rows);
    for (let i = 0; i < Math.max(images.length, failures.length, 1); i += MAX_ROWS_PER_MESSAGE) {
      await this.post({
        type: 'datasetRecords',
        images: images.slice(i, i + MAX_ROWS_PER_MESSAGE),
        failures: failures.slice(i, i + MAX_ROWS_PER_MESSAGE),
        ...this.runState(),
      });
    }
  }

  private async showAll(): Promise<void> {
    const { images, failures } = this.views(this.session.sortedRows());
    const first = { images: images.slice(0, MAX_ROWS_PER_MESSAGE), failures: failures.slice(0, MAX_ROWS_PER_MESSAGE) };
    await this.post({ type: 'datasetShow', folderName: basename(this.session.root), resultsDir: this.session.resultsDir, ...first, ...this.runState() });
    for (let i = MAX_ROWS_PER_MESSAGE; i < Math.max(images.length, failures.length); i += MAX_ROWS_PER_MESSAGE) {
      await this.post({
        type: 'datasetRecords',
        images: images.slice(i, i + MAX_ROWS_PER_MESSAGE),
        failures: failures.slice(i, i + MAX_ROWS_PER_MESSAGE),
        ...this.runState(),
      });
    }
  }

  private runState() {
    const report = this.session.report();
    const { done, total, running } = this.session;
    return {
      classes: report ? classBars(report) : [],
      progress: { running, done, total: Math.max(total, done) },
      status: this.status || this.defaultStatus(),
    };
  }

  /** Before any run of this window: what results.jsonl holds, and how to go on when it is not complete. */
  private defaultStatus(): string {
    const { done, total, running } = this.session;
    const more = !running && done < total ? '; run AugLens: Analyse Dataset on the folder again to continue' : '';
    return `${done} of ${total} images in ${join(this.session.resultsDir, RESULTS_FILE)}${more}`;
  }

  private views(rows: readonly DatasetRow[]) {
    const webview = this.webviewPanel.webview;
    return rowViews(rows, (path) => webview.asWebviewUri(vscode.Uri.file(join(this.session.root, path))).toString());
  }

  private post(message: HostToDatasetMessage): Thenable<boolean> {
    return this.webviewPanel.webview.postMessage(message);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
