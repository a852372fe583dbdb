// The commands of the command palette, the explorer and editor menus. Each acts on the current stability panel
// (the active one, else the one active last); package.json's `when` clauses show them only where they apply.
import * as vscode from 'vscode';
import { type ExportedReport, exportReport } from './report/exportReport';
import { showLog } from './common/log';
import type { PanelRegistry } from './panel/panelRegistry';
import { pickModel } from './modelFile/pickModel';
import type { StabilityPanel } from './panel/stabilityPanel';
import { hasImageExtension } from './common/workspaceFiles';
import type { DatasetRuns } from './dataset/datasetRuns';

export const COMMANDS = {
  openPanel: 'auglens.openPanel',
  pickImages: 'auglens.pickImages',
  addImage: 'auglens.addImage',
  editPolicy: 'auglens.editPolicy',
  runAnalysis: 'auglens.runAnalysis',
  cancelAnalysis: 'auglens.cancelAnalysis',
  exportReport: 'auglens.exportReport',
  comparePolicies: 'auglens.comparePolicies',
  showLog: 'auglens.showLog',
  analyseDataset: 'auglens.analyseDataset',
  compareDatasetRuns: 'auglens.compareDatasetRuns',
} as const;

/** Option of auglens.exportReport for scripts and tests: export into this folder without asking. */
export interface ExportOptions {
  folder: vscode.Uri;
}

export function registerCommands(registry: PanelRegistry, extensionUri: vscode.Uri, datasets: DatasetRuns): vscode.Disposable[] {
  /** The current panel, or undefined after telling the user to open one. */
  const current = (): StabilityPanel | undefined => {
    const panel = registry.current();
    if (!panel) {
      void vscode.window.showErrorMessage('AugLens: open the stability panel of a model first.', 'Open Stability Panel').then((picked) => {
        if (picked) void vscode.commands.executeCommand(COMMANDS.openPanel);
      });
    }
    return panel;
  };
  const onPanel = (action: (panel: StabilityPanel) => unknown) => () => {
    const panel = current();
    return panel ? action(panel) : undefined;
  };
  const register = vscode.commands.registerCommand;
  return [
    register(COMMANDS.openPanel, async (resource: unknown) => {
      const model = await pickModel(resource);
      if (model) registry.open(model);
    }),
    register(COMMANDS.pickImages, onPanel((p) => p.perform('pickImages'))),
    register(COMMANDS.addImage, (resource: unknown, selected: unknown) => {
      const panel = current();
      const uris = (Array.isArray(selected) ? selected : [resource]).filter(
        (u): u is vscode.Uri => u instanceof vscode.Uri && hasImageExtension(u),
      );
      if (panel && uris.length > 0) {
        panel.addImages(uris);
        panel.reveal();
      }
    }),
    register(COMMANDS.editPolicy, onPanel((p) => p.focus('policy'))),
    register(COMMANDS.runAnalysis, onPanel((p) => p.perform('run'))),
    register(COMMANDS.cancelAnalysis, onPanel((p) => p.cancel())),
    register(COMMANDS.comparePolicies, onPanel((p) => p.startCompare())),
    register(COMMANDS.exportReport, async (options: unknown): Promise<ExportedReport | undefined> => {
      const panel = current();
      if (!panel) return undefined;
      const folder = isExportOptions(options) ? options.folder : undefined;
      try {
        return await exportReport(panel, extensionUri, folder);
      } catch (error) {
        panel.fail(error);
        return undefined;
      }
    }),
    register(COMMANDS.showLog, () => showLog()),
    register(COMMANDS.analyseDataset, async (resource: unknown) => {
      const panel = current();
      const folder = panel && (resource instanceof vscode.Uri ? resource : await pickDatasetFolder());
      if (panel && folder) await datasets.analyse(folder, panel);
    }),
    register(COMMANDS.compareDatasetRuns, (a: unknown, b: unknown) =>
      datasets.compare(...(a instanceof vscode.Uri && b instanceof vscode.Uri ? [a, b] : [])),
    ),
  ];
}

async function pickDatasetFolder(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'AugLens: choose a folder of images (one sub-folder per class, as torchvision ImageFolder)',
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}

function isExportOptions(value: unknown): value is ExportOptions {
  return typeof value === 'object' && value !== null && (value as ExportOptions).folder instanceof vscode.Uri;
}
