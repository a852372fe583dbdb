// The stability panel's HTML shell: the webview bundle and stylesheet from the extension's own files, under a
// Content-Security-Policy that allows nothing else (no inline code, no remote content, scripts by nonce only).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { renderPanelPage } from './panelPage';

/** Folders the webview may load from; `localResourceRoots` of every panel. */
export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** `script`: the bundle in dist/ the page runs (the stability panel's by default, or the dataset panel's). */
export function renderPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script = 'webview.js'): string {
  const nonce = randomBytes(18).toString('base64');
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', script));
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
  return renderPanelPage({
    csp: [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
      `script-src 'nonce-${nonce}'`,
    ],
    title: 'AugLens',
    head: `<link rel="stylesheet" href="${styleUri}">`,
    body: `<script nonce="${nonce}" src="${scriptUri}"></script>`,
  });
}
