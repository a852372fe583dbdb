// Inline diagnostics where the policy is written: Python training code (torchvision transforms) and policy files
// (`*.auglens.json`). Wires the providers, commands, file watchers and document events.
import * as vscode from 'vscode';
import { ContextResolver } from './analysisContext';
import { AnalysisRunner } from './analysisRunner';
import { debouncer } from './files';
import { POLICY_FILE_SUFFIX } from './policyFile/readPolicyFile';
import { PolicyFiles } from './policyFile/policyFiles';
import { chooseFileForField, CHOOSE_FILE_COMMAND } from './policyFile/policyFileDiagnostics';
import { ANALYSE_COMMAND, CANCEL_COMMAND, StabilityHover, StabilityLenses } from './python/lensAndHover';
import { isPythonDocument, PythonStability } from './python/pythonStability';
import { QuickFixProvider } from './quickFixProvider';

export const CHOOSE_FILES_COMMAND = 'auglens.diagnostics.chooseFiles';
const EDIT_DELAY_MS = 300;

export function registerDiagnostics(context: vscode.ExtensionContext): void {
  const collection = vscode.languages.createDiagnosticCollection('auglens');
  const fixes = new QuickFixProvider();
  const runner = new AnalysisRunner(vscode.Uri.joinPath(context.extensionUri, 'dist', 'engine.js').fsPath);
  const resolver = new ContextResolver(context.workspaceState);
  const stability = new PythonStability(collection, fixes, runner, resolver);
  const policyFiles = new PolicyFiles(collection, fixes);
  const delay = debouncer(EDIT_DELAY_MS);

  const isPolicyFile = (document: vscode.TextDocument) => document.uri.path.endsWith(POLICY_FILE_SUFFIX);
  // Diagnostics follow the editor tabs: VS Code may keep a closed file's document alive for minutes.
  const refresh = (document: vscode.TextDocument): void => {
    if (!isShown(document.uri)) return;
    if (isPythonDocument(document)) void stability.refresh(document);
    else if (isPolicyFile(document)) void policyFiles.refresh(document);
  };
  const close = (uri: vscode.Uri): void => {
    if (uri.path.endsWith('.py')) stability.close(uri);
    else if (uri.path.endsWith(POLICY_FILE_SUFFIX)) policyFiles.close(uri);
  };
  const refreshAll = (): void => {
    resolver.invalidate();
    vscode.workspace.textDocuments.forEach(refresh);
  };
  const documentFor = async (uri: string) =>
    vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) ?? vscode.workspace.openTextDocument(vscode.Uri.parse(uri));

  const watchers = ['**/*.{onnx,png,jpg,jpeg}', `**/*${POLICY_FILE_SUFFIX}`].map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  for (const watcher of watchers) {
    const changed = () => delay.schedule('files', refreshAll);
    context.subscriptions.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed));
  }

  const python = { language: 'python' };
  context.subscriptions.push(
    collection,
    runner,
    stability,
    { dispose: () => delay.dispose() },
    vscode.languages.registerCodeLensProvider(python, new StabilityLenses(stability)),
    vscode.languages.registerHoverProvider(python, new StabilityHover(stability)),
    vscode.languages.registerCodeActionsProvider([python, { pattern: `**/*${POLICY_FILE_SUFFIX}` }], fixes, QuickFixProvider.metadata),
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) delay.schedule(e.document.uri.toString(), () => refresh(e.document));
    }),
    vscode.workspace.onDidCloseTextDocument((document) => close(document.uri)),
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const uri of e.closed.flatMap(tabUris)) if (!isShown(uri)) close(uri);
      const opened = new Set(e.opened.flatMap(tabUris).map(String));
      vscode.workspace.textDocuments.filter((d) => opened.has(d.uri.toString())).forEach(refresh);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('auglens') && refreshAll()),
    vscode.workspace.onDidGrantWorkspaceTrust(refreshAll),
    vscode.commands.registerCommand(ANALYSE_COMMAND, async (uri: string, key: string) => stability.analyse(await documentFor(uri), key)),
    vscode.commands.registerCommand(CANCEL_COMMAND, async (uri: string, key: string) => stability.cancel(await documentFor(uri), key)),
    vscode.commands.registerCommand(CHOOSE_FILE_COMMAND, chooseFileForField),
    vscode.commands.registerCommand(CHOOSE_FILES_COMMAND, async () => {
      await resolver.forgetChoices();
      await resolver.askForFiles();
      refreshAll();
    }),
  );
  vscode.workspace.textDocuments.forEach(refresh);
}

/** The text documents a tab shows. */
function tabUris(tab: vscode.Tab): vscode.Uri[] {
  if (tab.input instanceof vscode.TabInputText) return [tab.input.uri];
  if (tab.input instanceof vscode.TabInputTextDiff) return [tab.input.original, tab.input.modified];
  return [];
}

function isShown(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => tabUris(tab).some((u) => u.toString() === key)));
}
