// Extension entry point: the commands, the stability panel and the dataset panel (with their serializers, so they
// survive a reload) and the model editor for *.onnx files. Activated only by those (package.json `activationEvents`).
import * as vscode from 'vscode';
import { parsePanelState } from '../shared/panelProtocol';
import { registerCommands } from './commands';
import { registerDiagnostics } from './diagnostics/register';
import { exportReport } from './report/exportReport';
import { disposeLog } from './common/log';
import { registerModelEditor } from './modelFile/modelEditor';
import { ModelInspector } from './modelFile/modelInspector';
import { PanelRegistry } from './panel/panelRegistry';
import { DATASET_VIEW_TYPE } from './dataset/datasetPanel';
import { DatasetRuns } from './dataset/datasetRuns';
import { SessionStore } from './panel/sessionStore';
import { readSettings } from './common/settings';
import { PANEL_VIEW_TYPE, type PanelServices } from './panel/stabilityPanel';
import { type AugLensTestHooks, createTestHooks } from './testHooks';
import { isWorkspaceFile, parseFileUri } from './common/workspaceFiles';

export function activate(context: vscode.ExtensionContext): AugLensTestHooks | undefined {
  const enginePath = context.asAbsolutePath('dist/engine.js');
  const store = new SessionStore(context.workspaceState, context.storageUri ?? context.globalStorageUri);
  let trustOverride: boolean | undefined;
  const services: PanelServices = {
    extensionUri: context.extensionUri,
    enginePath,
    inspector: new ModelInspector(enginePath, () => readSettings().threads),
    store,
    isTrusted: () => trustOverride ?? vscode.workspace.isTrusted,
    exportReport: (panel) => exportReport(panel, context.extensionUri),
  };
  const registry = new PanelRegistry(services);
  const datasets = new DatasetRuns(services, registry, context.storageUri ?? context.globalStorageUri);
  context.subscriptions.push(
    registry,
    datasets,
    ...registerCommands(registry, context.extensionUri, datasets),
    registerModelEditor(registry),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel, state: unknown) {
        const modelUri = restorableModel(state, store);
        if (modelUri) registry.restore(webviewPanel, modelUri);
        else webviewPanel.dispose();
      },
    }),
    vscode.window.registerWebviewPanelSerializer(DATASET_VIEW_TYPE, {
      deserializeWebviewPanel: (webviewPanel, state: unknown) => datasets.restore(webviewPanel, state),
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => registry.all().forEach((panel) => void panel.trustGranted())),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('auglens.display')) registry.all().forEach((panel) => void panel.refresh());
    }),
    { dispose: disposeLog },
  );
  registerDiagnostics(context);
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return createTestHooks(registry, datasets, context.subscriptions, (trusted) => (trustOverride = trusted));
}

/**
 * The model a restored panel showed, from the state its webview saved: only a file inside the workspace or one the
 * user opened before (the state comes from the webview, so it is not trusted).
 */
function restorableModel(state: unknown, store: SessionStore): vscode.Uri | undefined {
  const saved = parsePanelState(state);
  const uri = saved && parseFileUri(saved.modelUri);
  return uri && (isWorkspaceFile(uri) || store.isKnownModel(uri)) ? uri : undefined;
}
