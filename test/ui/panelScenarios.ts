// UI scenarios for the stability panel in the packaged extension: the model editor (Open With...), a full analysis
// of the MNIST fixture from the panel (non-blank heatmaps read back from the canvases, hover readout, scale and
// zoom), the policy checked as it is typed, two policies compared (one continuous, with quadrature errors), the
// results kept over a window reload, the report exported and opened offline, and a high-contrast theme. Uses the
// shared fixtures and says so when absent.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { type Scenario, type ScenarioContext, skipScenario } from './scenarios';
import {
  contextMenuItem,
  editorTab,
  explorerRow,
  findWebviewFrame,
  openContextMenu,
  pickQuickInputRow,
  runCommand,
  typeInQuickInput,
} from './workbench';

const MODEL = 'mnist-8.onnx';
const IMAGE = 'images/mnist_28.png';
/** Clean image, mean image, variance, 8 eigen-images (the default top-k) and 3 saliency maps. */
const MAPS = 14;

interface CanvasFact {
  id: string;
  width: number;
  height: number;
  cssWidth: number;
  nonUniform: boolean;
}

/** Every map canvas of the webview, with its pixels read back (getImageData). */
function canvasFacts(frame: Frame): Promise<CanvasFact[]> {
  return frame.evaluate<CanvasFact[]>(`(() => [...document.querySelectorAll('canvas.map')].map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let nonUniform = false;
    for (let i = 4; i < d.length && !nonUniform; i += 4) nonUniform = d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2];
    return { id: c.id, width: c.width, height: c.height, cssWidth: c.clientWidth, nonUniform };
  }))()`);
}

/** Waits until the webview shows `count` non-blank maps (each also satisfying `also`). */
async function waitForMaps(frame: Frame, count: number, also: (f: CanvasFact) => boolean = () => true, timeoutMs = 60_000): Promise<CanvasFact[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const facts = await canvasFacts(frame);
    if (facts.length === count && facts.every((f) => f.nonUniform && also(f))) return facts;
    if (Date.now() > deadline) throw new Error(`expected ${count} non-blank maps, found ${JSON.stringify(facts)}`);
    await frame.page().waitForTimeout(250);
  }
}

function requireFixtures(ctx: ScenarioContext): void {
  if (!ctx.models.includes(MODEL) || !existsSync(join(ctx.workspace, IMAGE))) {
    skipScenario(`../shared/fixtures with ${MODEL} and mnist_28.png is absent`);
  }
}

async function scrollTo(frame: Frame, selector: string): Promise<void> {
  await frame.locator(selector).first().evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await frame.page().waitForTimeout(300);
}

async function openPanelFromPalette(page: Page): Promise<Frame> {
  await runCommand(page, 'View: Close All Editors');
  await runCommand(page, 'AugLens: Open Stability Panel');
  await typeInQuickInput(page, MODEL);
  await pickQuickInputRow(page, MODEL);
  await editorTab(page, `AugLens: ${MODEL}`).waitFor();
  return findWebviewFrame(page, '#model-name', MODEL);
}

/** Picks the sample image through the panel's button and the host's multi-select quick pick. */
async function pickImage(page: Page, frame: Frame): Promise<void> {
  await frame.locator('vscode-button', { hasText: 'Pick Images...' }).click();
  await typeInQuickInput(page, IMAGE);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${IMAGE}$`) }) });
  // A click can land while the list is still filtering: click until the pick counts one selected item.
  const selected = page.locator('.quick-input-widget .quick-input-count', { hasText: '1 Selected' });
  for (let attempt = 1; ; attempt++) {
    await row.locator('.monaco-checkbox').click();
    try {
      await selected.waitFor({ timeout: 3000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
  await page.keyboard.press('Enter');
  await frame.locator('.image-list .image-name', { hasText: IMAGE }).waitFor();
}

async function colorbarLabels(frame: Frame, id: string): Promise<string> {
  return frame.locator(`figure:has(#${id}) .colorbar-ticks`).innerText();
}

async function chooseZoom(frame: Frame, value: string): Promise<void> {
  const zoom = frame.locator('vscode-dropdown[aria-label="Zoom"]');
  await zoom.click();
  await zoom.locator(`vscode-option[value="${value}"]`).click();
}

async function panelFrame(ctx: ScenarioContext): Promise<Frame> {
  return findWebviewFrame(ctx.page, '#model-name', MODEL);
}

export const panelScenarios: Scenario[] = [
  {
    name: 'Open With... > AugLens Model Summary: the model editor shows inputs, dtype, shapes and the guessed preprocessing',
    async run(ctx) {
      requireFixtures(ctx);
      await runCommand(ctx.page, 'View: Close All Editors');
      for (let attempt = 1; ; attempt++) {
        await ctx.page.keyboard.press('Escape');
        await openContextMenu(ctx.page, explorerRow(ctx.page, MODEL));
        const item = contextMenuItem(ctx.page, 'Open With...');
        await item.hover();
        await item.click();
        const opened = await ctx.page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
        if (opened) break;
        if (attempt === 3) throw new Error('"Open With..." showed no editor choice');
      }
      await typeInQuickInput(ctx.page, 'AugLens');
      await pickQuickInputRow(ctx.page, 'AugLens Model Summary');
      await editorTab(ctx.page, MODEL).waitFor();
      const frame = await findWebviewFrame(ctx.page, '#model-name', MODEL);
      await frame.locator('.facts td', { hasText: 'Input3: float32 [1, 1, 28, 28], NCHW' }).waitFor({ timeout: 30_000 });
      assert.match(await frame.locator('.guess').innerText(), /^Guessed: raw255\. stated in the file's metadata .*\(certainty: high\)$/);
      await ctx.screenshot('panel-01-model-editor');
    },
  },
  {
    name: 'the panel: pick an image, run, non-blank heatmaps, numbers, plots, hover readout, per-map scale and zoom',
    async run(ctx) {
      requireFixtures(ctx);
      const frame = await openPanelFromPalette(ctx.page);
      await pickImage(ctx.page, frame);
      await frame.locator('#run-button').click();
      await frame.locator('.progress-row').first().waitFor({ timeout: 20_000 }).catch(() => undefined);
      await ctx.screenshot('panel-02-running');
      await frame.locator('#status-line .status-text', { hasText: /^Done in [\d.]+ s: E\[loss\] [\d.e-]+, Std\[loss\]/ }).waitFor({ timeout: 60_000 });
      const maps = await waitForMaps(frame, MAPS);
      assert.deepEqual(maps.map((m) => m.id).slice(0, 4), ['map-0-clean', 'map-0-mean', 'map-0-variance', 'map-0-eigen-1']);
      await scrollTo(frame, '.results-section');
      await ctx.screenshot('panel-03-numbers');
      for (const name of ['E[loss]', 'Std[loss]', 'Samples needed', 'Flip rate', 'Std[loss], first order', 'E[loss], second order']) {
        await frame.locator('.numbers dt', { hasText: name }).first().waitFor();
      }
      assert.equal(await frame.locator('.method a').getAttribute('href'), 'https://arxiv.org/abs/2202.08325');

      await scrollTo(frame, '.map-grid');
      const eigen = frame.locator('#map-0-eigen-1');
      await eigen.hover({ position: { x: 50, y: 70 } });
      const readout = frame.locator('figure:has(#map-0-eigen-1) .readout');
      assert.match(await readout.innerText(), /^\(\d+, \d+\) -?[\d.]+(e-?\d+)?$/);
      await ctx.screenshot('panel-04-heatmaps');
      assert.equal(await colorbarLabels(frame, 'map-0-eigen-1'), await colorbarLabels(frame, 'map-0-eigen-2'), 'shared scale');
      await frame.locator('vscode-radio', { hasText: 'per map' }).click();
      await frame.page().waitForTimeout(500);
      assert.notEqual(await colorbarLabels(frame, 'map-0-eigen-1'), await colorbarLabels(frame, 'map-0-eigen-2'), 'per-map scales');
      await chooseZoom(frame, '2');
      await waitForMaps(frame, MAPS, (m) => Math.round(m.cssWidth) === 2 * m.width, 10_000);
      await scrollTo(frame, '.plots');
      const plots = await frame.locator('.plot-figure figcaption strong').allInnerTexts();
      assert.deepEqual(
        plots.map((t) => t.replace(/ \(.*\)$/, '')),
        ['Eigen-spectrum of Cov[T(x)]', 'Monte-Carlo convergence', 'Saliency energy per eigenvector', 'Radial spectra'],
      );
      await ctx.screenshot('panel-05-plots');
      await frame.locator('vscode-radio', { hasText: 'shared per kind of map' }).click();
      await chooseZoom(frame, '0');
    },
  },
  {
    name: 'the Training gradients box: a run with parameter gradients shows the Training section, rows and per-layer bars',
    async run(ctx) {
      requireFixtures(ctx);
      const frame = await openPanelFromPalette(ctx.page);
      if ((await frame.locator('.image-list .image-name', { hasText: IMAGE }).count()) === 0) await pickImage(ctx.page, frame);
      await frame.locator('#training-gradients').click();
      await frame.locator('#run-button').click();
      await frame.locator('#status-line .status-text', { hasText: /^Done in / }).waitFor({ timeout: 60_000 });
      const training = frame.locator('.training');
      await training.waitFor({ timeout: 10_000 });
      for (const name of ['Gradient samples needed', 'Gradient SNR', 'cos(g, E[g])', 'cos(E[g], clean)']) {
        await training.locator('.numbers dt', { hasText: name }).first().waitFor();
      }
      const layers = await training.locator('.training-layers tbody tr').allInnerTexts();
      assert.ok(layers.length >= 2, `at least one layer and the total, got ${layers.length}`);
      assert.match(layers[layers.length - 1], /^Total/);
      await scrollTo(frame, '.training');
      await ctx.screenshot('panel-training');
    },
  },
  {
    name: 'the policy editor checks the policy as it is typed and points at the error',
    async run(ctx) {
      requireFixtures(ctx);
      const frame = await panelFrame(ctx);
      const policy = frame.locator('#policy-a textarea');
      const original = await policy.inputValue();
      await scrollTo(frame, '.policy-section');
      await policy.fill('RandomHorizontalFlip()\nRandomCrp(24, padding=2)');
      const check = frame.locator('#policy-a + .policy-check');
      await check.locator('.error', { hasText: "line 2, column 1: unknown transform 'RandomCrp'" }).waitFor();
      assert.equal(await check.locator('.frame').innerText(), 'RandomCrp(24, padding=2)\n^^^^^^^^^');
      await ctx.screenshot('panel-06-policy-error');
      await policy.fill(original);
      await check.locator('.ok', { hasText: 'Parsed: Compose([RandomAffine(' }).waitFor();
    },
  },
  {
    name: 'command palette -> AugLens: Compare Two Policies -> two result columns on the same scales',
    async run(ctx) {
      requireFixtures(ctx);
      let frame = await panelFrame(ctx);
      await frame.locator('#model-name').click();
      await runCommand(ctx.page, 'AugLens: Compare Two Policies');
      frame = await panelFrame(ctx);
      const policyB = frame.locator('#policy-b textarea');
      await policyB.waitFor();
      // A continuous policy: its column's numbers come from the quadrature, with their error estimates.
      await policyB.fill('Compose([RandomAffine(degrees=0, translate=(0.2, 0.2)), RandomRotation(15)])');
      await frame.page().waitForTimeout(400);
      await frame.locator('#run-button').click();
      await frame.locator('#status-line[data-level="busy"]').waitFor({ timeout: 20_000 });
      await frame.locator('#status-line .status-text', { hasText: /^Done in/ }).waitFor({ timeout: 60_000 });
      const maps = await waitForMaps(frame, 2 * MAPS);
      assert.equal(maps.filter((m) => m.id.startsWith('map-1-')).length, MAPS);
      assert.equal(await colorbarLabels(frame, 'map-0-variance'), await colorbarLabels(frame, 'map-1-variance'), 'same scale in both columns');
      const withError = await frame.locator('dl.numbers dd.value').allInnerTexts();
      assert.ok(withError.some((v) => /^[\d.e-]+ ± [\d.e-]+$/.test(v)), `an E[loss] with its quadrature error: ${withError.join(' | ')}`);
      await scrollTo(frame, '.results-section');
      await ctx.screenshot('panel-07-compare');
      await scrollTo(frame, '.plots');
      await ctx.screenshot('panel-08-compare-plots');
    },
  },
  {
    name: 'after a window reload the panel comes back (serializer) with its inputs and results',
    async run(ctx) {
      requireFixtures(ctx);
      await ctx.page.reload();
      await ctx.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      const frame = await findWebviewFrame(ctx.page, '#model-name', MODEL, 60_000);
      const maps = await waitForMaps(frame, 2 * MAPS);
      assert.equal(maps.length, 2 * MAPS);
      await frame.locator('.image-list .image-name', { hasText: IMAGE }).waitFor();
      await ctx.screenshot('panel-09-after-reload');
    },
  },
  {
    name: 'export the report into the workspace and open report.html offline: the whole panel, nothing fetched',
    async run(ctx) {
      requireFixtures(ctx);
      const frame = await panelFrame(ctx);
      await frame.locator('#model-name').click();
      await frame.locator('#export-button').click();
      const input = ctx.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      // The simple file dialog fills in its own starting folder as it opens, and may do so after the typed one (the
      // two then run together): type the folder until the field holds it.
      const typeFolder = async () => {
        for (let i = 0; i < 3 && (await input.inputValue()) !== `${ctx.workspace}/`; i++) {
          await input.fill(`${ctx.workspace}/`);
          await ctx.page.waitForTimeout(500);
        }
      };
      await typeFolder();
      const notice = ctx.page.locator('.notification-toast', { hasText: 'AugLens: exported' });
      // The simple file dialog may still be reading the typed folder and ignore the first OK: accept again.
      for (let attempt = 1; ; attempt++) {
        if (await input.isVisible()) {
          await typeFolder();
          if (attempt === 1) await ctx.page.locator('.quick-input-widget .monaco-button', { hasText: 'Export Here' }).click();
          else await input.press('Enter');
        }
        if (await notice.waitFor({ timeout: 10_000 }).then(() => true, () => false)) break;
        if (attempt === 4) {
          const toasts = await ctx.page.locator('.notification-toast').allInnerTexts();
          throw new Error(`no "exported" notification; dialog open: ${await input.isVisible()}; notifications: ${JSON.stringify(toasts)}`);
        }
      }
      const folder = /exported \d+ files to (\S+)/.exec(await notice.innerText())?.[1];
      assert.ok(folder && folder.startsWith(ctx.workspace), `export folder: ${folder}`);
      const report = join(folder, 'report.html');
      assert.ok(existsSync(report));

      const offline = await ctx.page.context().browser()!.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
      try {
        const fetched: string[] = [];
        await offline.route('**/*', (route) => {
          const url = route.request().url();
          if (url.startsWith('file://')) return route.continue();
          fetched.push(url);
          return route.abort();
        });
        const page = await offline.newPage();
        await page.goto(`file://${report}`);
        const maps = await waitForMaps(page.mainFrame(), 2 * MAPS);
        assert.equal(maps.length, 2 * MAPS);
        assert.deepEqual(fetched, [], 'the page loads nothing but itself');
        assert.equal(await page.locator('#run-button').isVisible(), false, 'read-only: no run button');
        await page.screenshot({ path: join(ctx.artifacts, 'panel-10-report-offline.png'), fullPage: true });
      } finally {
        await offline.close();
      }
    },
  },
  {
    name: 'the results follow a high-contrast theme',
    async run(ctx) {
      requireFixtures(ctx);
      await runCommand(ctx.page, 'Preferences: Color Theme');
      await typeInQuickInput(ctx.page, 'Dark High Contrast');
      await pickQuickInputRow(ctx.page, 'Dark High Contrast');
      const frame = await panelFrame(ctx);
      await ctx.page.waitForTimeout(1000);
      const background = await frame.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      assert.equal(background, 'rgb(0, 0, 0)');
      await scrollTo(frame, '.results-section');
      await ctx.screenshot('panel-11-high-contrast');
    },
  },
];
