// Finds the ONNX model a command is about: the explorer's selected file, else the workspace's only model, else the
// user's pick among the workspace's models, else a file dialog.
import * as vscode from 'vscode';

const MODEL_GLOB = '**/*.onnx';
const MAX_LISTED_MODELS = 200;

export async function pickModel(argument: unknown): Promise<vscode.Uri | undefined> {
  if (argument instanceof vscode.Uri) return argument;

  const found = await vscode.workspace.findFiles(MODEL_GLOB, '**/node_modules/**', MAX_LISTED_MODELS);
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    const items = found
      .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }))
      .sort((a, b) => a.label.localeCompare(b.label));
    const picked = await vscode.window.showQuickPick(items, { title: 'AugLens: pick an ONNX model' });
    return picked?.uri;
  }
  const chosen = await vscode.window.showOpenDialog({
    title: 'AugLens: open an ONNX model',
    canSelectMany: false,
    filters: { 'ONNX models': ['onnx'] },
  });
  return chosen?.[0];
}
