// The dataset panel's compare view in a real extension host: the generated ImageFolder analysed by the extension's
// dataset runs (DatasetSession, as "AugLens: Analyse Dataset" runs it) under POLICY (run A) and under POLICY_B (run
// B) into two run folders of the workspace, then "AugLens: Compare Dataset Runs" on the two: A's panel, opened from
// its results.jsonl, shows B - A, which must equal `compareRuns` on the two results.jsonl (the engine's paired
// comparison, as `auglens compare` prints it), and its webview draws it.
import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { loadRun } from '../../../src/engine/dataset/loadRun';
import { COMPARED_METRICS, compareRuns } from '../../../src/engine/dataset/pairedComparison';
import { DatasetSession } from '../../../src/extension/dataset/datasetSession';
import type { AugLensTestHooks } from '../../../src/extension/testHooks';
import { cifarDatasetAnalysis } from './datasetAnalysis';
import { waitFor } from './waitFor';

const MODEL = 'cifar10-tutorial.onnx';
const FOLDER = 'dataset';
const CLASSES = 3;
const POLICY = 'Compose([RandomCrop(32, padding=4), RandomHorizontalFlip()])';
const POLICY_B = 'Compose([RandomCrop(32, padding=1), RandomHorizontalFlip()])';

suite('AugLens dataset compare view', () => {
  let hooks: AugLensTestHooks;
  let extensionPath: string;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<AugLensTestHooks>('auglens.auglens');
    assert.ok(extension);
    hooks = await extension.activate();
    extensionPath = extension.extensionPath;
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Compare Dataset Runs: run A\'s panel shows the paired comparison of the two results.jsonl, per class', async function () {
    this.timeout(300_000);
    const [model] = await vscode.workspace.findFiles(MODEL);
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri;
    const folder = workspace && vscode.Uri.joinPath(workspace, FOLDER);
    if (!model || !folder || !existsSync(folder.fsPath)) {
      console.log(`    skipped: ../shared/fixtures (${MODEL} and the photos the ImageFolder is cut from) is absent`);
      this.skip();
    }

    const runs = join(workspace.fsPath, '.auglens', 'datasets');
    /** A run of the extension's own (as Analyse Dataset makes it) of the folder under `policy` into `runs/name`. */
    const analyse = async (name: string, policy: string): Promise<string> => {
      const dir = join(runs, name);
      rmSync(dir, { recursive: true, force: true });
      await new DatasetSession(folder.fsPath, dir).run(join(extensionPath, 'dist', 'engine.js'), cifarDatasetAnalysis(model.fsPath, policy));
      return dir;
    };
    const dirA = await analyse('policy-a', POLICY);
    const dirB = await analyse('policy-b', POLICY_B);

    const fileA = join(dirA, 'results.jsonl');
    const fileB = join(dirB, 'results.jsonl');
    const started = Date.now();
    await vscode.commands.executeCommand('auglens.compareDatasetRuns', vscode.Uri.file(fileA), vscode.Uri.file(fileB));
    const view = await waitFor('the panel of run A', () => hooks.datasetPanels().find((p) => p.resultsDir === dirA));
    const shown = await waitFor('the comparison', () => view.comparison());
    const drawn = await waitFor('the compare view drawn', () => {
      const r = view.renderedCompare();
      return r && r.classRows === CLASSES ? r : undefined;
    }, 90_000);
    console.log(`    drawn ${((Date.now() - started) / 1000).toFixed(1)} s after the command`);
    console.log(`    compared ${shown.overall.pairs} paired images in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const expected = compareRuns((await loadRun(fileA)).run, (await loadRun(fileB)).run, 0.95);
    assert.equal(shown.confidence, 0.95);
    assert.equal(shown.overall.pairs, expected.pairs.length);
    assert.ok(shown.overall.pairs >= 20, `${shown.overall.pairs} pairs`);
    assert.deepEqual(shown.classes.map((c) => c.name), expected.classes.map((c) => c.name));
    for (const [s, e] of [[shown.overall, expected.overall], ...shown.classes.map((c, i) => [c, expected.classes[i]] as const)] as const) {
      assert.equal(s.pairs, e.pairs);
      assert.equal(s.stability, e.stability, e.name);
      for (const m of COMPARED_METRICS) {
        const x = e.metrics[m];
        assert.deepEqual(s[m], { a: x.meanA, b: x.meanB, difference: x.mean, interval: x.interval && [...x.interval], change: x.change }, `${e.name} ${m}`);
      }
    }
    assert.ok(shown.overall.stdLoss.difference !== 0, 'the two policies give different numbers');
    assert.deepEqual(shown.differences.map((x) => x.part), ['policy']);
    assert.deepEqual([shown.onlyInA.count, shown.onlyInB.count], [0, 0]);
    assert.deepEqual(shown.failed.paths, ['coffee/broken.png (failed in both)']);

    assert.equal(drawn.overallRows, 3);
    const label = (s: string) => (s === 'no clear change' || s === 'mixed' ? s : `${s} in B`);
    assert.deepEqual(drawn.stabilityLabels, [shown.overall, ...shown.classes].map((g) => label(g.stability)));
    console.log(`    B - A: Std[loss] ${shown.overall.stdLoss.difference.toFixed(4)} [${shown.overall.stdLoss.interval?.map((v) => v.toFixed(4)).join(', ')}], ` +
      `flip rate ${shown.overall.flipRate.difference.toFixed(4)}; classes ${shown.classes.map((c) => `${c.name}: ${c.stability}`).join(', ')}`);
  });
});
