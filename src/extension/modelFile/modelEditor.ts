// The model editor: a read-only custom editor for *.onnx files ("Open With..." > "AugLens Model Summary") showing
// the model summary and the same stability panel.
import * as vscode from 'vscode';
import type { PanelRegistry } from '../panel/panelRegistry';

export const MODEL_EDITOR_VIEW_TYPE = 'auglens.modelEditor';

class ModelEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly registry: PanelRegistry) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, webviewPanel: vscode.WebviewPanel): void {
    this.registry.adoptEditor(webviewPanel, document.uri);
  }
}

export function registerModelEditor(registry: PanelRegistry): vscode.Disposable {
  return vscode.window.registerCustomEditorProvider(MODEL_EDITOR_VIEW_TYPE, new ModelEditorProvider(registry), {
    supportsMultipleEditorsPerDocument: false,
  });
}
