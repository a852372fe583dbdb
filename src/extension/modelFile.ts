// The status line a panel shows for a model file before any analysis has run.
import * as vscode from 'vscode';
import type { PanelStatus } from '../shared/panelProtocol';

export async function describeModelFile(uri: vscode.Uri): Promise<PanelStatus> {
  try {
    const { size } = await vscode.workspace.fs.stat(uri);
    return { level: 'info', text: `ONNX model, ${formatBytes(size)}. No analysis run yet.` };
  } catch (error) {
    return { level: 'error', text: `Cannot read the model file: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
