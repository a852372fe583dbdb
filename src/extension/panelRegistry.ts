// Keeps at most one stability panel per model: opening a model that already has a panel reveals it.
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE, StabilityPanel, panelOptions } from './stabilityPanel';

export class PanelRegistry implements vscode.Disposable {
  private readonly panels = new Map<string, StabilityPanel>();
  private readonly opened = new vscode.EventEmitter<StabilityPanel>();
  /** Fires for every panel created or restored, before its webview has loaded. */
  readonly onDidOpenPanel = this.opened.event;

  constructor(private readonly extensionUri: vscode.Uri) {}

  open(modelUri: vscode.Uri): StabilityPanel {
    const existing = this.panels.get(modelUri.toString());
    if (existing) {
      existing.reveal();
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'AugLens',
      vscode.ViewColumn.Active,
      panelOptions(this.extensionUri),
    );
    return this.track(new StabilityPanel(webviewPanel, modelUri, this.extensionUri));
  }

  /** Adopts a panel VS Code restored after a reload (see the webview panel serializer). */
  restore(webviewPanel: vscode.WebviewPanel, modelUri: vscode.Uri): StabilityPanel {
    this.panels.get(modelUri.toString())?.webviewPanel.dispose();
    return this.track(new StabilityPanel(webviewPanel, modelUri, this.extensionUri));
  }

  get(modelUri: vscode.Uri): StabilityPanel | undefined {
    return this.panels.get(modelUri.toString());
  }

  all(): StabilityPanel[] {
    return [...this.panels.values()];
  }

  private track(panel: StabilityPanel): StabilityPanel {
    const key = panel.modelUri.toString();
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    this.opened.fire(panel);
    return panel;
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.webviewPanel.dispose();
    this.panels.clear();
    this.opened.dispose();
  }
}
