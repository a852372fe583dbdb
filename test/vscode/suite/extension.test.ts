// Integration tests in a real extension host: activation, the command, the explorer context menu entry, the
// panel (one per model) and the host <-> webview message round trip.
import * as assert from 'node:assert/strict';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { AugLensTestHooks, PanelTestView } from '../../../src/extension/testHooks';
import type { RenderedMessage } from '../../../src/shared/panelProtocol';
import { waitFor } from './waitFor';

const EXTENSION_ID = 'auglens.auglens';
const COMMAND = 'auglens.openPanel';

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('auglens.stabilityPanel'));
}

function lastRendered(panel: PanelTestView): RenderedMessage | undefined {
  return panel.messages.filter((m): m is RenderedMessage => m.type === 'rendered').at(-1);
}

async function workspaceModels(): Promise<vscode.Uri[]> {
  const models = await vscode.workspace.findFiles('**/*.onnx');
  return models.sort((a, b) => a.path.localeCompare(b.path));
}

suite('AugLens extension', () => {
  let hooks: AugLensTestHooks;
  let models: vscode.Uri[];

  suiteSetup(async () => {
    models = await workspaceModels();
    assert.ok(models.length >= 2, `the test workspace should hold two .onnx files, found ${models.length}`);
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('is not active before one of its activation events', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    assert.equal(extension.isActive, false);
    assert.ok(!extension.packageJSON.activationEvents.includes('*'));
  });

  test('activates and registers its command', async () => {
    const extension = vscode.extensions.getExtension<AugLensTestHooks>(EXTENSION_ID);
    assert.ok(extension);
    const exported = await extension.activate();
    assert.ok(exported, 'activate() returns the test hooks in ExtensionMode.Test');
    hooks = exported;
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(COMMAND));
  });

  test('contributes the command to the explorer context menu of .onnx files only', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON;
    const entry = manifest.contributes.menus['explorer/context'].find((m: { command: string }) => m.command === COMMAND);
    assert.ok(entry, 'explorer/context lists the command');
    assert.match(entry.when, /onnx/);
    const command = manifest.contributes.commands.find((c: { command: string }) => c.command === COMMAND);
    assert.equal(command.title, 'AugLens: Open Stability Panel');
  });

  test('the explorer context menu command opens a panel showing the model', async () => {
    const [model] = models;
    // The explorer context menu invokes the command with the clicked file's URI.
    await vscode.commands.executeCommand(COMMAND, model);
    const tab = await waitFor('the panel tab', () => panelTabs()[0]);
    assert.equal(tab.label, `AugLens: ${basename(model.fsPath)}`);

    const panel = hooks.panel(model);
    assert.ok(panel, 'the registry holds a panel for the model');
    const rendered = await waitFor('the webview to render the model', () => lastRendered(panel));
    assert.equal(panel.messages[0].type, 'ready', 'the webview announces itself first');
    assert.equal(rendered.modelName, basename(model.fsPath));
    assert.match(rendered.statusText, /^ONNX model, \d+(\.\d)? (bytes|KiB|MiB)\. No analysis run yet\.$/);
  });

  test('opens one panel per model and reveals an open one instead of duplicating it', async () => {
    const [first, second] = models;
    await vscode.commands.executeCommand(COMMAND, first);
    await vscode.commands.executeCommand(COMMAND, first);
    await vscode.commands.executeCommand(COMMAND, second);
    await waitFor('two panel tabs', () => (panelTabs().length === 2 ? true : undefined));
    assert.equal(hooks.openPanelCount(), 2);
    assert.deepEqual(panelTabs().map((t) => t.label).sort(), [first, second].map((m) => `AugLens: ${basename(m.fsPath)}`).sort());
  });

  test('the webview renders a status message sent by the host and acknowledges it', async () => {
    const [model] = models;
    await vscode.commands.executeCommand(COMMAND, model);
    const panel = hooks.panel(model);
    assert.ok(panel);
    await waitFor('the first render', () => lastRendered(panel));

    const text = `Round trip at ${Date.now()}`;
    assert.equal(await panel.setStatus({ level: 'busy', text }), true, 'postMessage delivered');
    const rendered = await waitFor('the status acknowledgement', () => {
      const last = lastRendered(panel);
      return last?.statusText === text ? last : undefined;
    });
    assert.equal(rendered.modelName, basename(model.fsPath), 'the model name stays');
  });

  test('closing a panel removes it from the registry', async () => {
    const [model] = models;
    await vscode.commands.executeCommand(COMMAND, model);
    await waitFor('the panel tab', () => panelTabs()[0]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the panel to be disposed', () => (hooks.panel(model) === undefined ? true : undefined));
    assert.equal(hooks.openPanelCount(), 0);
  });
});
