// UI scenario for the dataset panel's compare view in the packaged extension: the generated ImageFolder analysed
// from the CIFAR model's panel under its own policy, then under another policy typed into the panel, "Keep Both"
// chosen when asked (the first run moves to <run folder>-2); "Compare with another run..." in the dataset panel, the
// kept run picked from the quick pick: the overall and per-class differences are drawn with the stability labels
// `auglens compare --json` gives for the two folders, a screenshot taken, and "Back to this run" shows the table.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Frame } from 'playwright-core';
import { REPO_ROOT } from '../harness/paths';
import { type Scenario, skipScenario } from './scenarios';
import { fromExplorer } from './datasetScenarios';
import { editorTab, findWebviewFrame, runCommand } from './workbench';

const MODEL = 'cifar10-tutorial.onnx';
const FOLDER = 'dataset';
const CLASSES = 3;
const POLICY_B = 'RandomCrop(32, padding=1)\nRandomHorizontalFlip()';

function cli(args: readonly string[]): string {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.error) throw run.error;
  return run.stdout;
}

interface CompareFacts {
  overallRows: number;
  classRows: number;
  classes: string[];
  labels: string[];
  setupParts: string[];
  tableHidden: boolean;
}

function compareFacts(frame: Frame): Promise<CompareFacts> {
  return frame.evaluate<CompareFacts>(`(() => ({
    overallRows: document.querySelectorAll('.compare-overall tbody tr').length,
    classRows: document.querySelectorAll('.compare-classes tbody tr').length,
    classes: [...document.querySelectorAll('.compare-classes tbody tr')].map((r) => r.children[0].textContent),
    labels: [...document.querySelectorAll('.dataset-compare .stability')].map((s) => s.textContent),
    setupParts: [...document.querySelectorAll('.compare-setup tbody tr')].map((r) => r.children[0].textContent),
    tableHidden: document.querySelector('.dataset-run-view')?.hidden ?? false,
  }))()`);
}

export const datasetCompareScenarios: Scenario[] = [
  {
    name: 'dataset panel -> Compare with another run...: a second policy kept beside the first, compared per class, then back to the table',
    async run(ctx) {
      if (!existsSync(join(ctx.workspace, MODEL)) || !existsSync(join(ctx.workspace, FOLDER))) {
        skipScenario(`../shared/fixtures with ${MODEL} and the photos the ImageFolder is cut from is absent`);
      }
      const page = ctx.page;
      await runCommand(page, 'View: Close All Editors');
      await fromExplorer(page, MODEL, 'AugLens: Open Stability Panel');
      const modelFrame = await findWebviewFrame(page, '#model-name', MODEL);
      await modelFrame.waitForFunction(`(document.querySelector('.summary')?.textContent ?? '').trim().length > 0`, undefined, { timeout: 30_000 });
      await page.waitForTimeout(500);
      await fromExplorer(page, FOLDER, 'AugLens: Analyse Dataset');
      await editorTab(page, `AugLens Dataset: ${FOLDER}`).waitFor({ timeout: 20_000 });
      const frame = await findWebviewFrame(page, '#model-name', FOLDER);
      await frame.locator('#status-line', { hasText: /^Done/ }).waitFor({ timeout: 120_000 });
      const resultsFile = (await frame.locator('#status-line').textContent())!.match(/results in (\S+results\.jsonl)/)![1];
      const runA = dirname(resultsFile);

      // Another policy in the model's panel, the folder analysed again: "Keep Both" keeps the first run beside it.
      await editorTab(page, `AugLens: ${MODEL}`).click();
      const shownAgain = await findWebviewFrame(page, '#model-name', MODEL);
      await shownAgain.locator('#policy-a textarea').fill(POLICY_B);
      await page.waitForTimeout(1_000);
      await fromExplorer(page, FOLDER, 'AugLens: Analyse Dataset');
      await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Keep Both' }).click({ timeout: 20_000 });
      const datasetFrame = await findWebviewFrame(page, '#model-name', FOLDER);
      await datasetFrame.locator('#status-line', { hasText: /^Done/ }).waitFor({ timeout: 120_000 });
      const kept = `${runA}-2`;
      assert.match(readFileSync(join(kept, 'results.jsonl'), 'utf8'), /padding=\(4, 4, 4, 4\)/, 'the first run was kept');
      assert.match(readFileSync(resultsFile, 'utf8'), /padding=\(1, 1, 1, 1\)/, 'the new run took its place');

      await datasetFrame.locator('vscode-button', { hasText: 'Compare with another run...' }).click();
      const runRow = page.locator('.quick-input-list .monaco-list-row', { hasText: basename(kept) }).first();
      await runRow.waitFor({ timeout: 20_000 });
      await runRow.click();
      await datasetFrame.locator('.compare-classes tbody tr').nth(CLASSES - 1).waitFor({ timeout: 30_000 });
      const facts = await compareFacts(datasetFrame);

      const expected = JSON.parse(cli(['compare', runA, kept, '--json'])) as {
        overall: { stability: string };
        classes: { name: string; stability: string }[];
      };
      const label = (s: string) => (s === 'no clear change' || s === 'mixed' ? s : `${s} in B`);
      assert.equal(facts.overallRows, 3, 'E[loss], Std[loss] and flip rate');
      assert.deepEqual(facts.classes, expected.classes.map((c) => c.name));
      assert.deepEqual(facts.labels, [expected.overall, ...expected.classes].map((g) => label(g.stability)), 'the labels auglens compare gives');
      assert.deepEqual(facts.setupParts, ['policy'], 'only the policy differs');
      assert.ok(facts.tableHidden, 'the compare view replaces the table');
      await datasetFrame.locator('.compare-classes').scrollIntoViewIfNeeded();
      await ctx.screenshot('dataset-compare');
      await datasetFrame.locator('.compare-unpaired').last().scrollIntoViewIfNeeded();
      await ctx.screenshot('dataset-compare-images');

      await datasetFrame.locator('vscode-button', { hasText: 'Back to this run' }).click();
      await datasetFrame.locator('.dataset-compare').waitFor({ state: 'detached', timeout: 10_000 });
      await datasetFrame.locator('table.dataset-table').waitFor({ state: 'visible', timeout: 10_000 });
      assert.ok((await datasetFrame.locator('table.dataset-table tbody tr').count()) >= 20, 'the table is back');
    },
  },
];
