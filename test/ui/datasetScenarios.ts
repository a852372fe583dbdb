// UI scenarios for "AugLens: Analyse Dataset" in the packaged extension: the CIFAR fixture model's panel opened
// from the explorer, then the generated ImageFolder (test/harness/datasetFolder.ts) right-clicked and analysed, the
// run cancelled from the dataset panel and started again (continuing its results.jsonl); the table (thumbnails
// loaded), per-class chart and failure list read back from the webview, a column sorted, a screenshot taken, and a
// row clicked opens that image in the model's stability panel; after a window reload the panel comes back.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { type Scenario, skipScenario } from './scenarios';
import { contextMenuItem, editorTab, explorerRow, findWebviewFrame, openContextMenu, runCommand } from './workbench';

const MODEL = 'cifar10-tutorial.onnx';
const FOLDER = 'dataset';
const MIN_ROWS = 20;
/** Files in the generated ImageFolder: 24 images and one that is not an image. */
const EXPECTED_FILES = 25;

/** Right-click the explorer row `name` -> the context menu's `label`. */
export async function fromExplorer(page: Page, name: string, label: string): Promise<void> {
  await openContextMenu(page, explorerRow(page, name));
  const item = contextMenuItem(page, label);
  await item.waitFor();
  // A click while the menu is still settling can leave it open with nothing run: click again until it closes.
  for (let attempt = 0; attempt < 3 && (await item.isVisible()); attempt++) {
    await item.click();
    await item.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
  }
}

/** The dataset run's results.jsonl in the workspace's .auglens/datasets: its records (after its header line): each file's path and kind. */
function resultRecords(workspace: string): { path: string; kind: 'image' | 'error' }[] {
  const runs = join(workspace, '.auglens', 'datasets');
  const [run] = readdirSync(runs).filter((name) => name.startsWith(`${FOLDER}-`));
  return readFileSync(join(runs, run, 'results.jsonl'), 'utf8').trim().split('\n').slice(1).map((line) => JSON.parse(line));
}

interface TableFacts {
  rows: number;
  /** Thumbnails the webview decoded (naturalWidth > 0). */
  thumbnails: number;
  bars: number;
  failures: number;
  status: string;
  flipRates: number[];
}

function tableFacts(frame: Frame): Promise<TableFacts> {
  return frame.evaluate<TableFacts>(`(() => {
    const rows = [...document.querySelectorAll('table.dataset-table tbody tr')];
    return {
      rows: rows.length,
      thumbnails: [...document.querySelectorAll('table.dataset-table img.thumb')].filter((i) => i.complete && i.naturalWidth > 0).length,
      bars: document.querySelectorAll('.dataset-chart rect.bar').length,
      failures: document.querySelectorAll('.dataset-failures li').length,
      status: document.getElementById('status-line')?.textContent ?? '',
      flipRates: rows.map((r) => parseFloat(r.children[5].textContent)),
    };
  })()`);
}

async function waitForTable(frame: Frame, done: (f: TableFacts) => boolean, timeoutMs = 60_000): Promise<TableFacts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const facts = await tableFacts(frame);
    if (done(facts)) return facts;
    if (Date.now() > deadline) throw new Error(`the dataset table did not fill: ${JSON.stringify(facts)}`);
    await frame.page().waitForTimeout(250);
  }
}

export const datasetScenarios: Scenario[] = [
  {
    name: 'right-click a folder of images -> AugLens: Analyse Dataset, cancel, run again: the dataset table, chart and failures',
    async run(ctx) {
      if (!existsSync(join(ctx.workspace, MODEL)) || !existsSync(join(ctx.workspace, FOLDER))) {
        skipScenario(`../shared/fixtures with ${MODEL} and the photos the ImageFolder is cut from is absent`);
      }
      await runCommand(ctx.page, 'View: Close All Editors');
      await fromExplorer(ctx.page, MODEL, 'AugLens: Open Stability Panel');
      await editorTab(ctx.page, `AugLens: ${MODEL}`).waitFor({ timeout: 20_000 });
      const modelFrame = await findWebviewFrame(ctx.page, '#model-name', MODEL);
      // The panel starts from a policy for the model once its summary is in: the command uses that policy.
      await modelFrame.waitForFunction(`(document.querySelector('.summary')?.textContent ?? '').trim().length > 0`, undefined, { timeout: 30_000 });
      await ctx.page.waitForTimeout(500);

      // Started, cancelled from the panel after its first rows, then started again: the run continues results.jsonl.
      await fromExplorer(ctx.page, FOLDER, 'AugLens: Analyse Dataset');
      await editorTab(ctx.page, `AugLens Dataset: ${FOLDER}`).waitFor({ timeout: 20_000 });
      const frame = await findWebviewFrame(ctx.page, '#model-name', FOLDER);
      await waitForTable(frame, (f) => f.rows >= 1);
      await frame.locator('vscode-button', { hasText: 'Cancel' }).click();
      const cancelled = await waitForTable(frame, (f) => /^Cancelled/.test(f.status), 20_000);
      assert.ok(cancelled.rows < EXPECTED_FILES, `cancelled after ${cancelled.rows} rows`);
      await ctx.screenshot('dataset-cancelled');
      await fromExplorer(ctx.page, FOLDER, 'AugLens: Analyse Dataset');
      const facts = await waitForTable(frame, (f) => f.rows >= MIN_ROWS && /^Done/.test(f.status) && f.thumbnails === f.rows, 80_000);
      assert.ok(facts.rows >= MIN_ROWS, `${facts.rows} rows`);
      assert.equal(facts.bars, 3, 'one bar per class');
      assert.equal(facts.failures, 1, 'the file that is not an image is listed as failed');
      // No image analysed twice; a failed file the first run reached before the cancel is tried again by the run that
      // continues (a second error line), as `--resume` does.
      const records = resultRecords(ctx.workspace);
      const analysed = records.filter((r) => r.kind === 'image').map((r) => r.path);
      assert.equal(new Set(analysed).size, analysed.length, `none analysed twice: ${analysed.join(', ')}`);
      assert.equal(new Set(records.map((r) => r.path)).size, EXPECTED_FILES, 'a line for every file');
      assert.ok(records.length <= EXPECTED_FILES + 1, `at most the failed file twice: ${records.length} records`);

      await frame.locator('th.sortable', { hasText: 'Flip rate' }).click();
      const sorted = await waitForTable(frame, (f) => f.flipRates.every((v, i) => i === 0 || v <= f.flipRates[i - 1]), 5_000);
      assert.ok(sorted.flipRates[0] >= sorted.flipRates.at(-1)!);
      await ctx.screenshot('dataset-table');

      await frame.locator('table.dataset-table tbody tr').first().click();
      await editorTab(ctx.page, `AugLens: ${MODEL}`).waitFor({ timeout: 20_000 });
      const opened = await findWebviewFrame(ctx.page, '#model-name', MODEL);
      await opened.locator('#status-line', { hasText: /Analysing 1 image|Done in/ }).waitFor({ timeout: 30_000 });
    },
  },
  {
    name: 'after a window reload the dataset panel comes back (serializer) with its table read from results.jsonl',
    async run(ctx) {
      if (!existsSync(join(ctx.workspace, '.auglens', 'datasets'))) skipScenario('the dataset scenario did not run');
      await ctx.page.reload();
      await ctx.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      const tab = editorTab(ctx.page, `AugLens Dataset: ${FOLDER}`);
      await tab.waitFor({ timeout: 30_000 });
      await tab.click();
      const frame = await findWebviewFrame(ctx.page, '#model-name', FOLDER, 60_000);
      const facts = await waitForTable(frame, (f) => f.rows >= MIN_ROWS && f.thumbnails === f.rows);
      assert.equal(facts.bars, 3);
      assert.equal(facts.failures, 1);
      assert.match(facts.status, /^25 of 25 images in .*results\.jsonl$/);
      await ctx.screenshot('dataset-after-reload');
    },
  },
];
