// Tracks every stability panel (webview panels and model editors), keeps at most one webview panel per model
// (opening it again reveals it), knows which panel the commands act on, and sets the context keys their `when`
// clauses read.
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE, type PanelKind, type PanelServices, StabilityPanel, panelOptions } from './stabilityPanel';

/** Context keys (package.json `when` clauses). */
export const CONTEXT_KEYS = {
  panelFocus: 'auglens.panelFocus',
  panelOpen: 'auglens.panelOpen',
  running: 'auglens.analysisRunning',
  hasResults: 'auglens.hasResults',
} as const;

export class PanelRegistry implements vscode.Disposable {
  private readonly panels = new Set<StabilityPanel>();
  private lastActive: StabilityPanel | undefined;
  private readonly opened = new vscode.EventEmitter<StabilityPanel>();
  /** Fires for every panel created or restored, before its webview has loaded. */
  readonly onDidOpenPanel = this.opened.event;

  constructor(private readonly services: PanelServices) {}

  open(modelUri: vscode.Uri): StabilityPanel {
    const existing = this.get(modelUri);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'AugLens', vscode.ViewColumn.Active, panelOptions(this.services.extensionUri));
    return this.track(webviewPanel, modelUri, 'panel');
  }

  /** Adopts a panel VS Code restored after a reload (see the webview panel serializer). */
  restore(webviewPanel: vscode.WebviewPanel, modelUri: vscode.Uri): StabilityPanel {
    this.get(modelUri)?.webviewPanel.dispose();
    return this.track(webviewPanel, modelUri, 'panel');
  }

  /** Adopts the webview of a model editor (the custom editor of a .onnx file). */
  adoptEditor(webviewPanel: vscode.WebviewPanel, modelUri: vscode.Uri): StabilityPanel {
    return this.track(webviewPanel, modelUri, 'editor');
  }

  get(modelUri: vscode.Uri, kind: PanelKind = 'panel'): StabilityPanel | undefined {
    const key = modelUri.toString();
    return [...this.panels].find((p) => p.kind === kind && p.modelUri.toString() === key);
  }

  all(): StabilityPanel[] {
    return [...this.panels];
  }

  /** The panel commands act on: the active one, else the one active last. */
  current(): StabilityPanel | undefined {
    return [...this.panels].find((p) => p.webviewPanel.active) ?? this.lastActive;
  }

  private track(webviewPanel: vscode.WebviewPanel, modelUri: vscode.Uri, kind: PanelKind): StabilityPanel {
    const panel = new StabilityPanel(webviewPanel, modelUri, kind, this.services);
    this.panels.add(panel);
    this.lastActive = panel;
    panel.onDidChangeState(() => {
      if (panel.webviewPanel.active) this.lastActive = panel;
      this.updateContext();
    });
    panel.onDidDispose(() => {
      this.panels.delete(panel);
      if (this.lastActive === panel) this.lastActive = undefined;
      this.updateContext();
    });
    this.opened.fire(panel);
    this.updateContext();
    return panel;
  }

  private updateContext(): void {
    const current = this.current();
    const set = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);
    set(CONTEXT_KEYS.panelFocus, [...this.panels].some((p) => p.webviewPanel.active));
    set(CONTEXT_KEYS.panelOpen, this.panels.size > 0);
    set(CONTEXT_KEYS.running, current?.isRunning ?? false);
    set(CONTEXT_KEYS.hasResults, current?.session.hasResults ?? false);
  }

  dispose(): void {
    for (const panel of this.panels) panel.webviewPanel.dispose();
    this.panels.clear();
    this.opened.dispose();
  }
}
