// What `activate` returns when VS Code runs the extension's integration tests (ExtensionMode.Test), and only then:
// a view of the open panels and of the messages their webviews sent back, so tests can check the round trip.
import * as vscode from 'vscode';
import type { PanelStatus, WebviewToHostMessage } from '../shared/panelProtocol';
import type { PanelRegistry } from './panelRegistry';

export interface PanelTestView {
  readonly modelUri: string;
  /** Every validated message this panel's webview sent, oldest first. */
  readonly messages: readonly WebviewToHostMessage[];
  setStatus(status: PanelStatus): Thenable<boolean>;
}

export interface AugLensTestHooks {
  panel(modelUri: vscode.Uri): PanelTestView | undefined;
  openPanelCount(): number;
}

export function createTestHooks(registry: PanelRegistry, disposables: vscode.Disposable[]): AugLensTestHooks {
  const messages = new WeakMap<object, WebviewToHostMessage[]>();
  disposables.push(
    registry.onDidOpenPanel((panel) => {
      const log: WebviewToHostMessage[] = [];
      messages.set(panel, log);
      disposables.push(panel.onDidReceiveMessage((m) => log.push(m)));
    }),
  );
  return {
    panel(modelUri) {
      const panel = registry.get(modelUri);
      if (!panel) return undefined;
      return {
        modelUri: panel.modelUri.toString(),
        messages: messages.get(panel) ?? [],
        setStatus: (status) => panel.setStatus(status),
      };
    },
    openPanelCount: () => registry.all().length,
  };
}
