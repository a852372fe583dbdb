// "AugLens: Export Report": writes a folder with report.json, the .npy arrays and PNG heatmaps of each analysed
// policy (engine/reportFiles), and report.html, the whole panel as one self-contained offline page.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { formatSummary } from '../cli/summary';
import { writeReportFiles } from '../engine/reportFiles';
import { stringifyWithArrays } from '../shared/binaryJson';
import type { HostToWebviewMessage } from '../shared/panelProtocol';
import { ActionableError } from './fixActions';
import { log } from './log';
import { renderReportHtml } from './reportHtml';
import { readSettings } from './settings';
import type { StabilityPanel } from './stabilityPanel';

export interface ExportedReport {
  folder: vscode.Uri;
  /** Paths relative to the folder. */
  files: string[];
}

const POLICY_FOLDERS = ['policy-A', 'policy-B'];

/**
 * Exports the panel's last results into a new folder inside `parent` (asked for when absent). Resolves to
 * undefined when the user dismisses the folder dialog.
 */
export async function exportReport(panel: StabilityPanel, extensionUri: vscode.Uri, parent?: vscode.Uri): Promise<ExportedReport | undefined> {
  const results = panel.session.results;
  if (!results || results.length === 0) throw new ActionableError('run an analysis before exporting a report.', ['run']);
  const base = parent ?? (await askFolder());
  if (!base) return undefined;
  if (base.scheme !== 'file') throw new ActionableError(`cannot export to ${base.toString()}: choose a local folder.`, []);
  const stem = panel.fileName.replace(/\.onnx$/i, '');
  const folder = vscode.Uri.joinPath(base, `auglens-${stem}-${timestamp(new Date())}`);

  const files: string[] = [];
  const pictures: { name: string; png: Uint8Array }[] = [];
  for (const [i, result] of results.entries()) {
    const sub = results.length > 1 ? POLICY_FOLDERS[i] : '';
    const dir = join(folder.fsPath, sub);
    for (const name of writeReportFiles(dir, result)) {
      const relative = sub ? `${sub}/${name}` : name;
      files.push(relative);
      if (name.endsWith('.png')) pictures.push({ name: relative, png: await readFile(join(dir, name)) });
    }
  }
  const page = renderReportHtml({
    title: `AugLens report: ${panel.fileName}`,
    css: await readFile(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css').fsPath, 'utf8'),
    script: await readFile(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js').fsPath, 'utf8'),
    messagesJson: stringifyWithArrays(reportMessages(panel)),
    summaryText: results.map((r) => formatSummary(r.report)).join('\n\n'),
    pictures,
  });
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'report.html'), new TextEncoder().encode(page));
  files.push('report.html');
  log.info(`exported ${files.length} files to ${folder.fsPath}`);
  void vscode.window.showInformationMessage(`AugLens: exported ${files.length} files to ${folder.fsPath}`, 'Reveal in Explorer').then((picked) => {
    if (picked) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.joinPath(folder, 'report.html'));
  });
  return { folder, files };
}

/** The messages that draw the panel's current results, for the offline page (read-only: mode 'report'). */
function reportMessages(panel: StabilityPanel): HostToWebviewMessage[] {
  const session = panel.session;
  return [
    {
      type: 'showModel',
      model: { fileName: panel.fileName, uri: panel.modelUri.toString() },
      mode: 'report',
      trusted: true,
      display: readSettings().display,
      inputs: session.inputs,
      status: { level: 'info', text: `Exported ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC from the AugLens panel.` },
    },
    ...session.replay().filter((m) => m.type !== 'progress'),
  ];
}

async function askFolder(): Promise<vscode.Uri | undefined> {
  const chosen = await vscode.window.showOpenDialog({
    title: 'AugLens: export the report into this folder',
    openLabel: 'Export Here',
    canSelectFiles: false,
    canSelectFolders: true,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return chosen?.[0];
}

function timestamp(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}
