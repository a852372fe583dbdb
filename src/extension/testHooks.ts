// What `activate` returns when VS Code runs the extension's integration tests (ExtensionMode.Test), and only then:
// a view of the open panels, the messages their webviews sent back and their sessions, so tests can drive a panel
// as a user would (through the host) and check what its webview drew.
import * as vscode from 'vscode';
import { liveEngineCount } from '../engine/client';
import type { EditableInputs, PanelInputs } from '../shared/panelInputs';
import type { PanelStatus, WebviewToHostMessage } from '../shared/panelProtocol';
import type { DatasetComparison } from '../shared/datasetComparison';
import type { DatasetImageRow, DatasetRenderedCompareMessage, DatasetRenderedMessage } from '../shared/datasetProtocol';
import type { DatasetRuns } from './dataset/datasetRuns';
import type { PanelRegistry } from './panel/panelRegistry';
import type { PanelKind, StabilityPanel } from './panel/stabilityPanel';
import { imageRef } from './common/workspaceFiles';

export interface PanelTestView {
  readonly modelUri: string;
  readonly kind: PanelKind;
  /** Every validated message this panel's webview sent, oldest first. */
  readonly messages: readonly WebviewToHostMessage[];
  setStatus(status: PanelStatus): Thenable<boolean>;
  status(): PanelStatus;
  inputs(): PanelInputs;
  /** Sets inputs as if the user edited them in the panel (images as if picked). */
  setInputs(inputs: Partial<EditableInputs> & { images?: vscode.Uri[] }): void;
  isRunning(): boolean;
  /** The stage of the latest progress message of the current run, if any. */
  progressStage(): string | undefined;
  summaryState(): string;
  hasResults(): boolean;
  /** E[loss] of each image of each analysed policy of the last finished run. */
  expectedLosses(): number[][];
}

export interface DatasetPanelTestView {
  /** The dataset folder and the folder its results.jsonl is in. */
  readonly root: string;
  readonly resultsDir: string;
  isRunning(): boolean;
  /** The table's image rows as the host sends them to the webview. */
  imageRows(): DatasetImageRow[];
  failedPaths(): string[];
  /** What the webview last reported drawing. */
  rendered(): DatasetRenderedMessage | undefined;
  /** The comparison the panel shows (sent to its webview), and what the webview last reported drawing of it. */
  comparison(): DatasetComparison | undefined;
  renderedCompare(): DatasetRenderedCompareMessage | undefined;
}

export interface AugLensTestHooks {
  /** The open dataset panels. */
  datasetPanels(): DatasetPanelTestView[];
  panel(modelUri: vscode.Uri, kind?: PanelKind): PanelTestView | undefined;
  openPanelCount(): number;
  /** Engine processes the extension host is running now. */
  liveEngineCount(): number;
  /** Pretends the workspace is (un)trusted; undefined restores the real state. */
  setTrusted(trusted: boolean | undefined): void;
}

export function createTestHooks(
  registry: PanelRegistry,
  datasets: DatasetRuns,
  disposables: vscode.Disposable[],
  setTrusted: (trusted: boolean | undefined) => void,
): AugLensTestHooks {
  const messages = new WeakMap<StabilityPanel, WebviewToHostMessage[]>();
  disposables.push(
    registry.onDidOpenPanel((panel) => {
      const received: WebviewToHostMessage[] = [];
      messages.set(panel, received);
      disposables.push(panel.onDidReceiveMessage((m) => received.push(m)));
    }),
  );
  const view = (panel: StabilityPanel): PanelTestView => ({
    modelUri: panel.modelUri.toString(),
    kind: panel.kind,
    messages: messages.get(panel) ?? [],
    setStatus: (status) => panel.setStatus(status),
    status: () => panel.session.status,
    inputs: () => panel.session.inputs,
    setInputs: ({ images, ...edits }) => {
      const current = panel.session.inputs;
      panel.updateInputs({ ...current, ...edits, images: images ? images.map(imageRef) : current.images });
    },
    isRunning: () => panel.isRunning,
    progressStage: () => panel.session.latestProgress()?.stage,
    summaryState: () => panel.session.summary.state,
    hasResults: () => panel.session.hasResults,
    expectedLosses: () => (panel.session.results ?? []).map((r) => r.report.images.map((i) => i.model?.expectedLoss ?? NaN)),
  });
  return {
    panel(modelUri, kind = 'panel') {
      const panel = registry.get(modelUri, kind);
      return panel && view(panel);
    },
    openPanelCount: () => registry.all().length,
    datasetPanels: () =>
      datasets.all().map((p) => ({
        root: p.session.root,
        resultsDir: p.session.resultsDir,
        isRunning: () => p.session.running,
        imageRows: () => p.imageRows(),
        failedPaths: () => p.session.sortedRows().flatMap((r) => (r.kind === 'error' ? [r.path] : [])),
        rendered: () => p.rendered,
        comparison: () => p.comparison,
        renderedCompare: () => p.renderedCompare,
      })),
    liveEngineCount,
    setTrusted,
  };
}
