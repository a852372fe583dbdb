// "AugLens: Export Report": writes a folder with report.json, the .npy arrays and PNG heatmaps of each analysed
// policy (engine/report), and report.html, the whole panel as one self-contained offline page. The files are written
// asynchronously into a staging folder swapped into place at the end, with progress and Cancel, so the extension
// host never blocks on the disk and a cancelled or failed export leaves nothing behind.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { OutputError } from '../../engine/report/fsErrors';
import { reportEntries, type ReportEntry } from '../../engine/report/reportEntries';
import { ReportFolder } from '../../engine/report/reportFolder';
import { formatSummary } from '../../engine/report/summary';
import { stringifyWithArrays } from '../../shared/binaryJson';
import type { HostToWebviewMessage } from '../../shared/panelProtocol';
import { ActionableError } from '../common/actionableError';
import { log } from '../common/log';
import { renderReportHtml } from './reportHtml';
import { readSettings } from '../common/settings';
import type { StabilityPanel } from '../panel/stabilityPanel';

export interface ExportedReport {
  folder: vscode.Uri;
  /** Paths relative to the folder. */
  files: string[];
}

const POLICY_FOLDERS = ['policy-A', 'policy-B'];

/**
 * Exports the panel's last results into a new folder inside `parent` (asked for when absent). Resolves to
 * undefined when the user dismisses the folder dialog or cancels the export.
 */
export async function exportReport(panel: StabilityPanel, extensionUri: vscode.Uri, parent?: vscode.Uri): Promise<ExportedReport | undefined> {
  const results = panel.session.results;
  if (!results || results.length === 0) throw new ActionableError('run an analysis before exporting a report.', ['run']);
  const base = parent ?? (await askFolder());
  if (!base) return undefined;
  if (base.scheme !== 'file') throw new ActionableError(`cannot export to ${base.toString()}: choose a local folder.`, []);
  const folderUri = newFolder(base, `auglens-${panel.fileName.replace(/\.onnx$/i, '')}-${timestamp(new Date())}`);

  const pictures: { name: string; png: Uint8Array }[] = [];
  const keepPicture = (entry: ReportEntry): ReportEntry =>
    entry.name.endsWith('.png')
      ? {
          name: entry.name,
          data: () => {
            const png = entry.data() as Uint8Array;
            pictures.push({ name: entry.name, png });
            return png;
          },
        }
      : entry;
  const entries = results.flatMap((result, i) => reportEntries(result, results.length > 1 ? `${POLICY_FOLDERS[i]}/` : '').map(keepPicture));
  const css = await readFile(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css').fsPath, 'utf8');
  const script = await readFile(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js').fsPath, 'utf8');
  const messagesJson = stringifyWithArrays(reportMessages(panel));
  entries.push({
    name: 'report.html',
    data: () =>
      renderReportHtml({
        title: `AugLens report: ${panel.fileName}`,
        css,
        script,
        messagesJson,
        summaryText: results.map((r) => formatSummary(r.report)).join('\n\n'),
        pictures,
      }),
  });

  const written = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'AugLens: exporting the report', cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      let folder: ReportFolder | undefined;
      try {
        folder = await ReportFolder.open(folderUri.fsPath);
        let done = 0;
        await folder.add(entries, {
          signal: abort.signal,
          onProgress: (n, total) => {
            progress.report({ message: `${n} of ${total} files`, increment: (100 * (n - done)) / total });
            done = n;
          },
        });
        await folder.commit(abort.signal);
        return true;
      } catch (e) {
        if (abort.signal.aborted) return false;
        throw e instanceof OutputError ? new ActionableError(`cannot export the report: ${e.message}.`, []) : e;
      } finally {
        cancel.dispose();
        await folder?.close();
      }
    },
  );
  if (!written) {
    log.info('report export cancelled');
    return undefined;
  }
  const files = entries.map((e) => e.name);
  log.info(`exported ${files.length} files to ${folderUri.fsPath}`);
  void vscode.window.showInformationMessage(`AugLens: exported ${files.length} files to ${folderUri.fsPath}`, 'Reveal in Explorer').then((picked) => {
    if (picked) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.joinPath(folderUri, 'report.html'));
  });
  return { folder: folderUri, files };
}

/** `base/stem`, or `base/stem-2`, `-3`... when an export in the same second already took the name. */
function newFolder(base: vscode.Uri, stem: string): vscode.Uri {
  for (let n = 1; ; n++) {
    const uri = vscode.Uri.joinPath(base, n === 1 ? stem : `${stem}-${n}`);
    if (!existsSync(uri.fsPath)) return uri;
  }
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
