// One stability panel: a webview panel showing one ONNX model, talking to its webview through panelProtocol.
import * as vscode from 'vscode';
import {
  type HostToWebviewMessage,
  type PanelStatus,
  type WebviewToHostMessage,
  parseWebviewMessage,
} from '../shared/panelProtocol';
import { panelResourceRoots, renderPanelHtml } from './panelHtml';
import { describeModelFile } from './modelFile';

export const PANEL_VIEW_TYPE = 'auglens.stabilityPanel';

export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: panelResourceRoots(extensionUri) };
}

export class StabilityPanel implements vscode.Disposable {
  private readonly received = new vscode.EventEmitter<WebviewToHostMessage>();
  /** Validated messages from the webview; malformed ones are dropped before this fires. */
  readonly onDidReceiveMessage = this.received.event;
  private readonly disposables: vscode.Disposable[] = [this.received];

  constructor(
    readonly webviewPanel: vscode.WebviewPanel,
    readonly modelUri: vscode.Uri,
    extensionUri: vscode.Uri,
  ) {
    webviewPanel.title = `AugLens: ${fileName(modelUri)}`;
    webviewPanel.webview.options = panelOptions(extensionUri);
    webviewPanel.webview.html = renderPanelHtml(webviewPanel.webview, extensionUri);
    this.disposables.push(
      webviewPanel.webview.onDidReceiveMessage((raw: unknown) => this.handleMessage(raw)),
      webviewPanel.onDidDispose(() => this.dispose()),
    );
  }

  get onDidDispose(): vscode.Event<void> {
    return this.webviewPanel.onDidDispose;
  }

  reveal(): void {
    this.webviewPanel.reveal();
  }

  setStatus(status: PanelStatus): Thenable<boolean> {
    return this.post({ type: 'setStatus', status });
  }

  private post(message: HostToWebviewMessage): Thenable<boolean> {
    return this.webviewPanel.webview.postMessage(message);
  }

  private async handleMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) return;
    if (message.type === 'ready') {
      const status = await describeModelFile(this.modelUri);
      await this.post({ type: 'showModel', model: { fileName: fileName(this.modelUri), uri: this.modelUri.toString() }, status });
    }
    this.received.fire(message);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
