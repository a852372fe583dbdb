// Inline diagnostics in a real extension host: a policy file with errors (schema and semantic diagnostics, exact
// ranges, quick fixes applied), and a Python training script with torchvision transforms (hints, CodeLens, an
// analysis through the engine giving a diagnostic and a hover, refresh when the image changes, clearing on edit and
// on close). The analysis-backed tests use ../shared/fixtures (mnist-8 + mnist_28.png) and skip without them.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { createImage } from '../../../src/core/image';
import { imageToPng } from '../../../src/core/io/encode';
import { runAnalysis } from '../../../src/engine/client';
import { defaults } from '../../../src/cli/args';
import { stabilityMessage, stabilityNumbers } from '../../../src/extension/diagnostics/resultText';
import { waitFor } from './waitFor';

const EXTENSION_ID = 'auglens.auglens';
const ANALYSIS_TIMEOUT_MS = 60_000;

const TRAIN_PY = `import torchvision.transforms as T

crop_size = 28
train_tf = T.Compose([
    T.RandomCrop(28, padding=2),  # pad, then crop back
    T.RandomHorizontalFlp(),
    T.ToTensor(),
])
eval_tf = T.RandomCrop(crop_size)
`;

const POLICY_FILE = `{
  "model": "models/missing.onnx",
  "images": ["../digit.png"],
  "policy": "RandomCrop(32, padding_mode=\\"edge\\"); RandomHorizontalFlp()"
}
`;

function root(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test runs in a workspace folder');
  return folder.uri;
}

async function write(relative: string, content: string | Uint8Array): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(root(), relative);
  await vscode.workspace.fs.writeFile(uri, typeof content === 'string' ? new TextEncoder().encode(content) : content);
  return uri;
}

function diagnostics(uri: vscode.Uri, source = 'AugLens'): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === source);
}

/** Waits until the document's AugLens diagnostics satisfy `check`. */
function diagnosticsWhere(uri: vscode.Uri, what: string, check: (ds: vscode.Diagnostic[]) => boolean, timeoutMs?: number) {
  return waitFor(what, () => (check(diagnostics(uri)) ? diagnostics(uri) : undefined), timeoutMs);
}

function rangeOf(document: vscode.TextDocument, text: string, occurrence = 0): vscode.Range {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) offset = document.getText().indexOf(text, offset + 1);
  assert.ok(offset >= 0, `${text} is in the document`);
  return new vscode.Range(document.positionAt(offset), document.positionAt(offset + text.length));
}

/** The quick fixes offered where the diagnostic is (VS Code passes the diagnostics at that range to providers). */
async function quickFixes(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  return vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
}

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)) ?? [];
}

function fixtures(): { model: string; image: string } | undefined {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  const shared = join(extension.extensionPath, '..', 'shared', 'fixtures');
  const found = { model: join(shared, 'models', 'mnist-8.onnx'), image: join(shared, 'images', 'mnist_28.png') };
  return existsSync(found.model) && existsSync(found.image) ? found : undefined;
}

suite('AugLens inline diagnostics', () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    // A 28 x 28 gray digit-like image of our own: the policy-file checks do not need the shared fixtures.
    const image = createImage(1, 28, 28, Float32Array.from({ length: 28 * 28 }, (_, i) => ((i % 28) > 9 && (i % 28) < 18 ? 1 : 0)));
    await write('digit.png', imageToPng(image));
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    // Later suites share the workspace: leave it as it was.
    for (const created of ['digit.png', 'policies', 'train.py', 'mnist.auglens.json', 'mnist_28.png']) {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(root(), created), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    }
  });

  test('a policy file: the schema and AugLens report its errors at their exact characters', async () => {
    const uri = await write('policies/schema.auglens.json', POLICY_FILE.replace('"images"', '"modle": 1,\n  "images"'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);

    const found = await diagnosticsWhere(uri, 'the model and transform diagnostics', (ds) => ds.length === 2);
    const [model, transform] = [...found].sort((a, b) => a.range.start.compareTo(b.range.start));
    assert.equal(model.message, 'model file not found: models/missing.onnx (paths are relative to this file)');
    assert.equal(model.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(model.range, rangeOf(document, '"models/missing.onnx"'));
    assert.match(transform.message, /^unknown transform 'RandomHorizontalFlp' \(did you mean RandomHorizontalFlip\?\)/);
    assert.equal(transform.code, 'unknown-transform');
    // The policy is a JSON string with escaped quotes before the name: the range still covers exactly the name.
    assert.deepEqual(transform.range, rangeOf(document, 'RandomHorizontalFlp'));

    const schema = await waitFor('the JSON schema diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => /modle/.test(d.message)), 30_000);
    assert.deepEqual(schema.range.start.line, rangeOf(document, '"modle"').start.line);
  });

  test('its quick fixes apply: the suggested transform name, then a workspace model', async () => {
    // Each test writes its own file: a document another test had open may still hold that file's old text.
    const uri = await write('policies/fixes.auglens.json', POLICY_FILE);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const atName = (d: vscode.Diagnostic) => d.code === 'unknown-transform' && document.getText(d.range) === 'RandomHorizontalFlp';
    const unknown = (await diagnosticsWhere(uri, 'the unknown transform', (ds) => ds.some(atName))).find(atName)!;

    const [rename] = await quickFixes(uri, unknown);
    assert.equal(rename?.title, "Replace 'RandomHorizontalFlp' with 'RandomHorizontalFlip'");
    assert.ok(rename.edit && (await vscode.workspace.applyEdit(rename.edit)));
    assert.match(document.getText(), /; RandomHorizontalFlip\(\)"/);

    // With the policy readable, the crop is checked against the image (28 x 28): it is too large.
    const shape = (await diagnosticsWhere(uri, 'the crop diagnostic', (ds) => ds.some((d) => d.code === 'shape'))).find((d) => d.code === 'shape')!;
    assert.equal(shape.message, 'RandomCrop: required crop size 32x32 is larger than the input image 28x28 (pad_if_needed=True would pad it), for image ../digit.png');
    assert.deepEqual(shape.range, rangeOf(document, 'RandomCrop(32, padding_mode=\\"edge\\")'));
    assert.ok(diagnostics(uri).every((d) => d.code !== 'unknown-transform'), 'the fixed error is gone');

    const missing = diagnostics(uri).find((d) => d.code === 'model-missing')!;
    const fixes = await quickFixes(uri, missing);
    const titles = fixes.map((f) => f.title);
    assert.ok(titles.includes('Choose a model file...'), titles.join(', '));
    const useModel = fixes.find((f) => f.title === 'Use model ../placeholder.onnx');
    assert.ok(useModel?.edit, titles.join(', '));
    assert.ok(await vscode.workspace.applyEdit(useModel.edit));
    assert.match(document.getText(), /"model": "\.\.\/placeholder\.onnx"/);
    await diagnosticsWhere(uri, 'the model diagnostic to clear', (ds) => ds.every((d) => d.code !== 'model-missing'));
    await document.save();
  });

  test('closing a policy file clears its diagnostics', async () => {
    const uri = await write('policies/closing.auglens.json', POLICY_FILE);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await diagnosticsWhere(uri, 'diagnostics', (ds) => ds.length > 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await diagnosticsWhere(uri, 'no diagnostics after closing', (ds) => ds.length === 0);
  });

  test('a Python file: hints where transforms cannot be read, a quick fix, CodeLens on what can be analysed', async () => {
    const uri = await write('train.py', TRAIN_PY);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'python');

    const hints = await diagnosticsWhere(uri, 'the hints', (ds) => ds.length === 3);
    const byText = (text: string, occurrence = 0) => hints.find((d) => d.range.isEqual(rangeOf(document, text, occurrence)));
    const variable = byText('crop_size', 1);
    assert.ok(variable, 'a hint on crop_size where RandomCrop uses it');
    assert.equal(variable.message, "RandomCrop is not analysed: argument 'size' is the variable 'crop_size'; AugLens reads literal values only and does not run your code");
    assert.equal(variable.severity, vscode.DiagnosticSeverity.Hint);
    const typo = byText('T.RandomHorizontalFlp');
    assert.match(typo?.message ?? '', /^unknown transform 'RandomHorizontalFlp' \(did you mean RandomHorizontalFlip\?\)/);
    assert.equal(byText('T.Compose')?.message, 'this Compose is not analysed as a whole: see the AugLens hint on RandomHorizontalFlp (line 6)');

    const before = await lenses(uri);
    assert.deepEqual(before.map((l) => [l.range.start.line, l.command?.title]), [[4, 'AugLens: analyse stability']]);

    const [fix] = await quickFixes(uri, typo!);
    assert.equal(fix?.title, "Replace 'RandomHorizontalFlp' with 'RandomHorizontalFlip'");
    assert.ok(fix.edit && (await vscode.workspace.applyEdit(fix.edit)));
    await diagnosticsWhere(uri, 'only the variable hint left', (ds) => ds.length === 1);
    await document.save();
    const after = await waitFor('three lenses', async () => {
      const found = await lenses(uri);
      return found.length === 3 ? found : undefined;
    });
    assert.deepEqual(after.map((l) => [l.range.start.line, l.command?.title]), [
      [3, 'AugLens: analyse stability'],
      [4, 'AugLens: analyse stability'],
      [5, 'AugLens: analyse stability'],
    ]);
  });

  test('analysing a transform from its CodeLens gives its Std[loss] as a diagnostic and a hover', async function () {
    const files = fixtures();
    if (!files) return this.skip(); // ../shared/fixtures (mnist-8.onnx, mnist_28.png) is absent
    this.timeout(2 * ANALYSIS_TIMEOUT_MS);
    await write('mnist_28.png', readFileSync(files.image));
    await write('mnist.auglens.json', JSON.stringify({ model: 'mnist-8.onnx', images: ['mnist_28.png'], policy: 'RandomCrop(28, padding=2)' }, null, 2));
    const uri = await write('train.py', TRAIN_PY.replace('Flp', 'Flip'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);

    const lens = await waitFor('the RandomCrop lens', async () => (await lenses(uri)).find((l) => l.range.start.line === 4));
    assert.ok(lens.command);
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    const cropRange = rangeOf(document, 'T.RandomCrop(28, padding=2)');
    const stability = (await diagnosticsWhere(uri, 'the stability diagnostic', (ds) => ds.some((d) => d.code === 'stability'), ANALYSIS_TIMEOUT_MS))
      .find((d) => d.code === 'stability')!;
    assert.deepEqual(stability.range, cropRange);
    assert.match(stability.message, /^Std\[loss\] [\d.]+ under this transform; ~[\d,]+ samples for 1% error$/);

    // The same numbers as the engine gives for this transform alone, run here directly.
    const enginePath = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'engine.js');
    const direct = await runAnalysis(enginePath, {
      ...defaults([vscode.Uri.joinPath(root(), 'mnist_28.png').fsPath], 'RandomCrop(28, padding=2)'),
      modelPath: vscode.Uri.joinPath(root(), 'mnist-8.onnx').fsPath,
      preprocess: { preset: 'unit' },
      topK: 0,
      monteCarloSamples: 0,
    });
    const numbers = stabilityNumbers(direct.report)!;
    assert.equal(stability.message, stabilityMessage(numbers, 'transform'));
    assert.equal(stability.severity, numbers.stdLoss > 0.25 || numbers.samplesForLoss > 10_000 ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, cropRange.start.translate(0, 4));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*AugLens stability\*\* of `RandomCrop\(size=\(28, 28\), padding=\(2, 2, 2, 2\)\)` \(left out: RandomHorizontalFlip\)/);
    assert.match(text, /\| Std\[loss\] \| [\d.]+ \|/);
    assert.match(text, /Settings from mnist\.auglens\.json\./);

    // Turning on the parameter gradients is a different analysis: it runs again and quotes their samples needed.
    const config = vscode.workspace.getConfiguration('auglens.diagnostics');
    await config.update('parameters', true, vscode.ConfigurationTarget.Workspace);
    try {
      const withGradient = await diagnosticsWhere(uri, 'the diagnostic with the gradient figure', (ds) => ds.some((d) => d.code === 'stability' && /augmented samples per image for the gradient$/.test(d.message)), ANALYSIS_TIMEOUT_MS);
      assert.match(withGradient.find((d) => d.code === 'stability')!.message, /^Std\[loss\] [\d.]+ under this transform; ~[\d,]+ samples for 1% error; ~[\d,]+ augmented samples per image for the gradient$/);
    } finally {
      await config.update('parameters', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await diagnosticsWhere(uri, 'the diagnostic without it again', (ds) => ds.some((d) => d.code === 'stability' && d.message === stability.message), ANALYSIS_TIMEOUT_MS);
  });

  test('the diagnostic refreshes when the image changes, and clears when the transform is edited or the file closed', async function () {
    if (!fixtures()) return this.skip(); // ../shared/fixtures (mnist-8.onnx, mnist_28.png) is absent
    this.timeout(2 * ANALYSIS_TIMEOUT_MS);
    const uri = vscode.Uri.joinPath(root(), 'train.py');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await diagnosticsWhere(uri, 'the earlier result', (ds) => ds.some((d) => d.code === 'stability'), ANALYSIS_TIMEOUT_MS);

    // A blank image: every crop of the padded blank image is blank, so the loss cannot vary.
    await write('mnist_28.png', imageToPng(createImage(1, 28, 28, new Float32Array(28 * 28))));
    const refreshed = await diagnosticsWhere(uri, 'the re-analysed diagnostic', (ds) => ds.some((d) => d.code === 'stability' && d.message.startsWith('Std[loss] 0 ')), ANALYSIS_TIMEOUT_MS);
    const zero = refreshed.find((d) => d.code === 'stability')!;
    assert.equal(zero.message, 'Std[loss] 0 under this transform: the loss is the same for every outcome, one sample gives E[loss] exactly');
    assert.equal(zero.severity, vscode.DiagnosticSeverity.Information);

    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, rangeOf(document, 'padding=2'), 'padding=3');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await diagnosticsWhere(uri, 'the stability diagnostic to clear', (ds) => ds.every((d) => d.code !== 'stability'));
    assert.equal(diagnostics(uri).length, 1, 'the variable hint stays');

    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await diagnosticsWhere(uri, 'no diagnostics after closing', (ds) => ds.length === 0);
  });
});
