// The UI scenarios, run in order against one workbench with the packaged extension installed.
import * as assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
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

export interface ScenarioContext {
  page: Page;
  /** Model file names in the workspace, sorted: [mnist-8.onnx or a placeholder, placeholder.onnx]. */
  models: string[];
  /** The workspace folder on disk, for scenarios that add files to it. */
  workspace: string;
  /** Where screenshots go (test-artifacts/ui), for scenarios that shoot other pages than the workbench. */
  artifacts: string;
  screenshot(name: string): Promise<void>;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<void>;
}

/** Thrown by a scenario that cannot run on this machine: the runner counts it as skipped, with the reason. */
export class ScenarioSkipped extends Error {}

export function skipScenario(reason: string): never {
  throw new ScenarioSkipped(reason);
}

const MENU_LABEL = 'AugLens: Open Stability Panel';
/** Listed in the command palette once the extension's contributions are loaded. */
export const READY_COMMAND = MENU_LABEL;
const STATUS_PATTERN = /^ONNX model, \d+(\.\d)? (bytes|KiB|MiB)\. No analysis run yet\.$/;

interface WebviewFacts {
  modelName: string;
  statusText: string;
  csp: string;
  scriptSources: string[];
  /** Inline scripts other than the acquireVsCodeApi script VS Code itself injects into every webview. */
  foreignInlineScripts: number;
  toolkitDivider: boolean;
  themeForeground: string;
  background: string;
}

/** Reads, inside the webview, what it rendered and how it was loaded. */
async function webviewFacts(frame: Frame): Promise<WebviewFacts> {
  return frame.evaluate<WebviewFacts>(`(() => {
    const scripts = [...document.querySelectorAll('script')];
    return {
      modelName: document.getElementById('model-name')?.textContent ?? '',
      statusText: document.getElementById('status-line')?.textContent ?? '',
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
      scriptSources: scripts.filter((s) => s.src).map((s) => s.src),
      foreignInlineScripts: scripts.filter((s) => !s.src && s.id !== '_vscodeApiScript').length,
      toolkitDivider: customElements.get('vscode-divider') !== undefined && document.querySelector('vscode-divider') !== null,
      themeForeground: getComputedStyle(document.documentElement).getPropertyValue('--vscode-foreground').trim(),
      background: getComputedStyle(document.body).backgroundColor,
    };
  })()`);
}

async function expectPanelFor(ctx: ScenarioContext, model: string): Promise<WebviewFacts> {
  await editorTab(ctx.page, `AugLens: ${model}`).waitFor({ timeout: 20_000 });
  const frame = await findWebviewFrame(ctx.page, '#model-name', model);
  const facts = await webviewFacts(frame);
  assert.equal(facts.modelName, model);
  assert.match(facts.statusText, STATUS_PATTERN);
  return facts;
}

function brightness(cssColor: string): number {
  const [r, g, b] = (cssColor.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  assert.ok(r !== undefined && g !== undefined && b !== undefined, `a colour: ${cssColor}`);
  return (r + g + b) / 3;
}

export const scenarios: Scenario[] = [
  {
    name: 'right-click a model in the explorer -> AugLens: Open Stability Panel opens its panel',
    async run(ctx) {
      const model = ctx.models[0];
      await openContextMenu(ctx.page, explorerRow(ctx.page, model));
      const item = contextMenuItem(ctx.page, MENU_LABEL);
      await item.waitFor();
      await ctx.screenshot('01-explorer-context-menu');
      await item.click();
      await expectPanelFor(ctx, model);
      await ctx.screenshot('02-panel-from-explorer');
    },
  },
  {
    name: 'the explorer context menu of a non-model file has no AugLens entry',
    async run(ctx) {
      await openContextMenu(ctx.page, explorerRow(ctx.page, 'notes.txt'));
      await ctx.page.locator('.monaco-menu .action-label', { hasText: 'Copy Path' }).first().waitFor();
      assert.equal(await contextMenuItem(ctx.page, MENU_LABEL).count(), 0);
      await ctx.page.keyboard.press('Escape');
    },
  },
  {
    name: 'command palette -> AugLens: Open Stability Panel -> pick a model opens its panel',
    async run(ctx) {
      const model = ctx.models[1];
      await runCommand(ctx.page, 'View: Close All Editors');
      await runCommand(ctx.page, MENU_LABEL);
      await typeInQuickInput(ctx.page, model);
      await ctx.screenshot('03-palette-model-pick');
      await pickQuickInputRow(ctx.page, model);
      await expectPanelFor(ctx, model);
      await ctx.screenshot('04-panel-from-palette');
    },
  },
  {
    name: 'the panel is rendered by the extension webview: own script by nonce, strict CSP, toolkit, theme variables',
    async run(ctx) {
      const model = ctx.models[1];
      const facts = await webviewFacts(await findWebviewFrame(ctx.page, '#model-name', model));
      assert.match(facts.csp, /default-src 'none'/);
      assert.match(facts.csp, /script-src 'nonce-[A-Za-z0-9+/=]+'/);
      assert.doesNotMatch(facts.csp, /unsafe-inline|unsafe-eval/);
      assert.equal(facts.foreignInlineScripts, 0);
      assert.equal(facts.scriptSources.length, 1);
      assert.match(facts.scriptSources[0], /\/dist\/webview\.js/);
      assert.ok(facts.toolkitDivider, 'the toolkit divider element is defined and used');
      assert.notEqual(facts.themeForeground, '', 'VS Code theme variables reach the webview');
    },
  },
  {
    name: 'the panel follows the colour theme (dark -> light)',
    async run(ctx) {
      const model = ctx.models[1];
      const before = await webviewFacts(await findWebviewFrame(ctx.page, '#model-name', model));
      assert.ok(brightness(before.background) < 128, `dark theme background: ${before.background}`);
      await runCommand(ctx.page, 'Preferences: Color Theme');
      await typeInQuickInput(ctx.page, 'Light Modern');
      await pickQuickInputRow(ctx.page, 'Light Modern');
      const deadline = Date.now() + 15_000;
      let after = before;
      while (brightness(after.background) < 128 && Date.now() < deadline) {
        await ctx.page.waitForTimeout(250);
        after = await webviewFacts(await findWebviewFrame(ctx.page, '#model-name', model));
      }
      assert.ok(brightness(after.background) >= 128, `light theme background: ${after.background}`);
      await ctx.screenshot('05-panel-light-theme');
    },
  },
];
