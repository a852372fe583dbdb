// UI scenario for the dataset panel's compare view in the packaged extension: the generated ImageFolder analysed
// from the CIFAR model's panel (run A, the panel's own policy) and by the command line under another policy into the
// workspace's .auglens/datasets (run B); "Compare with another run..." in A's panel, B picked from the quick pick:
// the overall and per-class differences are drawn with the stability labels `auglens compare --json` gives, a
// screenshot taken, and "Back to this run" shows the table again.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { REPO_ROOT } from '../harness/paths';
import { type Scenario, skipScenario } from './scenarios';
import { fromExplorer } from './datasetScenarios';
import { editorTab, findWebviewFrame } from './workbench';

const MODEL = 'cifar10-tutorial.onnx';
const FOLDER = 'dataset';
const CLASSES = 3;
const POLICY_B = 'Compose([RandomCrop(32, padding=1), RandomHorizontalFlip()])';
const RUN_B = 'policy-b';
/** The test workspace's auglens.preprocessing.default, which run A is made with. */
const PREPROCESS = 'unit';

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
    name: 'dataset panel -> Compare with another run...: the paired comparison per class, then back to the table',
    async run(ctx) {
      if (!existsSync(join(ctx.workspace, MODEL)) || !existsSync(join(ctx.workspace, FOLDER))) {
        skipScenario(`../shared/fixtures with ${MODEL} and the photos the ImageFolder is cut from is absent`);
      }
      const page = ctx.page;
      const runs = join(ctx.workspace, '.auglens', 'datasets');
      const dirB = join(runs, RUN_B);
      rmSync(dirB, { recursive: true, force: true });
      cli(['analyze', '--model', join(ctx.workspace, MODEL), '--image', join(ctx.workspace, FOLDER), '--policy', POLICY_B, '--size', '32', '--preprocess', PREPROCESS, '--out', dirB]);
      assert.ok(existsSync(join(dirB, 'results.jsonl')), 'the command line wrote run B');

      await fromExplorer(page, MODEL, 'AugLens: Open Stability Panel');
      const modelFrame = await findWebviewFrame(page, '#model-name', MODEL);
      await modelFrame.waitForFunction(`(document.querySelector('.summary')?.textContent ?? '').trim().length > 0`, undefined, { timeout: 30_000 });
      await page.waitForTimeout(500);
      await fromExplorer(page, FOLDER, 'AugLens: Analyse Dataset');
      await editorTab(page, `AugLens Dataset: ${FOLDER}`).waitFor({ timeout: 20_000 });
      const frame = await findWebviewFrame(page, '#model-name', FOLDER);
      await frame.locator('#status-line', { hasText: /^Done/ }).waitFor({ timeout: 120_000 });

      await frame.locator('vscode-button', { hasText: 'Compare with another run...' }).click();
      const runRow = page.locator('.quick-input-list .monaco-list-row', { hasText: RUN_B }).first();
      await runRow.waitFor({ timeout: 20_000 });
      await runRow.click();
      await frame.locator('.compare-classes tbody tr').nth(CLASSES - 1).waitFor({ timeout: 30_000 });
      const facts = await compareFacts(frame);

      const [dirA] = readdirSync(runs).filter((name) => name.startsWith(`${FOLDER}-`));
      const expected = JSON.parse(cli(['compare', join(runs, dirA), dirB, '--json'])) as {
        overall: { stability: string };
        classes: { name: string; stability: string }[];
      };
      const label = (s: string) => (s === 'no clear change' || s === 'mixed' ? s : `${s} in B`);
      assert.equal(facts.overallRows, 3, 'E[loss], Std[loss] and flip rate');
      assert.deepEqual(facts.classes, expected.classes.map((c) => c.name));
      assert.deepEqual(facts.labels, [expected.overall, ...expected.classes].map((g) => label(g.stability)), 'the labels auglens compare gives');
      assert.deepEqual(facts.setupParts, ['policy'], 'only the policy differs');
      assert.ok(facts.tableHidden, 'the compare view replaces the table');
      await frame.locator('.compare-classes').scrollIntoViewIfNeeded();
      await ctx.screenshot('dataset-compare');

      await frame.locator('vscode-button', { hasText: 'Back to this run' }).click();
      await frame.locator('.dataset-compare').waitFor({ state: 'detached', timeout: 10_000 });
      await frame.locator('table.dataset-table').waitFor({ state: 'visible', timeout: 10_000 });
      assert.ok((await frame.locator('table.dataset-table tbody tr').count()) >= 20, 'the table is back');
    },
  },
];
