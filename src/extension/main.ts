// Extension entry point: registers the commands and the panel serializer. Activated only by them (package.json).
import * as vscode from 'vscode';
import { parsePanelState } from '../shared/panelProtocol';
import { PanelRegistry } from './panelRegistry';
import { pickModel } from './pickModel';
import { PANEL_VIEW_TYPE } from './stabilityPanel';
import { type AugLensTestHooks, createTestHooks } from './testHooks';

export function activate(context: vscode.ExtensionContext): AugLensTestHooks | undefined {
  const registry = new PanelRegistry(context.extensionUri);
  context.subscriptions.push(registry);
  const hooks =
    context.extensionMode === vscode.ExtensionMode.Test ? createTestHooks(registry, context.subscriptions) : undefined;

  context.subscriptions.push(
    vscode.commands.registerCommand('auglens.openPanel', async (resource: unknown) => {
      const modelUri = await pickModel(resource);
      if (modelUri) registry.open(modelUri);
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel, state: unknown) {
        const modelUri = savedModelUri(state);
        if (modelUri) registry.restore(webviewPanel, modelUri);
        else webviewPanel.dispose();
      },
    }),
  );
  return hooks;
}

/** The model a restored panel showed, from the state its webview saved; undefined when missing or malformed. */
function savedModelUri(state: unknown): vscode.Uri | undefined {
  const saved = parsePanelState(state);
  if (!saved) return undefined;
  try {
    return vscode.Uri.parse(saved.modelUri, true);
  } catch {
    return undefined;
  }
}
