// `npm run test:ui`: installs the packaged VSIX into a fresh code-server, drives it with headless Chromium through
// the scenarios, saves screenshots under test-artifacts/ui, and closes with "ui: N passed, N failed, N skipped"
// (a scenario that cannot run here, e.g. without ../shared/fixtures, is listed as "﹣ name # reason", not passed).
// Every process it starts is stopped by PID, whatever happens.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../harness/chromium';
import { installExtension, profileDirs, startCodeServer } from '../harness/codeServer';
import { ARTIFACTS_DIR, extensionManifest, packagedVsixPath } from '../harness/paths';
import { runningProcesses } from '../harness/processes';
import { createTestWorkspace } from '../harness/workspace';
import { datasetCompareScenarios } from './datasetCompareScenarios';
import { datasetScenarios } from './datasetScenarios';
import { diagnosticsScenarios } from './diagnosticsScenarios';
import { panelScenarios } from './panelScenarios';
import { READY_COMMAND, type ScenarioContext, ScenarioSkipped, scenarios } from './scenarios';
import { openWorkbench } from './workbench';

const SCENARIO_TIMEOUT_MS = 90_000;
const artifacts = join(ARTIFACTS_DIR, 'ui');

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function assertInstalled(root: string): void {
  const { publisher, name, version } = extensionManifest();
  const installed = readdirSync(profileDirs(root).extensions);
  const expected = `${publisher}.${name}-${version}`;
  if (!installed.some((dir) => dir.startsWith(expected))) {
    throw new Error(`${expected} not in the extensions folder after --install-extension: ${installed.join(', ')}`);
  }
}

async function main(): Promise<{ passed: number; failed: number; skipped: number }> {
  const vsix = packagedVsixPath();
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first`);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  const root = mkdtempSync(join(tmpdir(), 'auglens-ui-'));
  const counts = { passed: 0, failed: 0, skipped: 0 };
  let started = Date.now();
  installExtension(root, vsix);
  assertInstalled(root);
  console.log(`installed ${vsix} with code-server --install-extension (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const workspace = createTestWorkspace(join(root, 'workspace'));
  const server = await startCodeServer({ root, workspace: workspace.folder });
  try {
    const chromium = await launchChromium();
    try {
      const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      started = Date.now();
      await openWorkbench(page, server.url, workspace.folder, READY_COMMAND);
      console.log(`workbench and extension host ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const ctx: ScenarioContext = {
        page,
        models: workspace.models,
        workspace: workspace.folder,
        artifacts,
        screenshot: async (name) => void (await page.screenshot({ path: join(artifacts, `${name}.png`) })),
      };
      // AUGLENS_UI_ONLY runs only the scenarios whose names contain it (e.g. one scenario while working on it).
      const only = process.env.AUGLENS_UI_ONLY;
      const chosen = [...scenarios, ...diagnosticsScenarios, ...panelScenarios, ...datasetScenarios, ...datasetCompareScenarios].filter((s) => !only || s.name.includes(only));
      for (const [index, scenario] of chosen.entries()) {
        started = Date.now();
        try {
          await withTimeout(scenario.run(ctx), SCENARIO_TIMEOUT_MS, scenario.name);
          counts.passed++;
          console.log(`  ✔ ${scenario.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        } catch (error) {
          if (error instanceof ScenarioSkipped) {
            counts.skipped++;
            console.log(`  ﹣ ${scenario.name} # ${error.message}`);
            continue;
          }
          counts.failed++;
          console.log(`  ✘ ${scenario.name}\n      ${error instanceof Error ? error.stack : error}`);
          await ctx.screenshot(`failed-${String(index + 1).padStart(2, '0')}`).catch(() => undefined);
          await page.keyboard.press('Escape').catch(() => undefined);
        }
      }
    } finally {
      await chromium.stop();
    }
  } finally {
    await server.stop();
    copyFileSync(server.logFile, join(artifacts, 'code-server.log'));
    rmSync(root, { recursive: true, force: true });
  }
  return counts;
}

main().then(
  ({ passed, failed, skipped }) => {
    const leftover = runningProcesses();
    if (leftover.length > 0) console.error(`still running: ${leftover.join(', ')}`);
    console.log(`screenshots in ${artifacts}`);
    console.log(`ui: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    console.log('ui: the runner failed before the scenarios could run');
    process.exit(1);
  },
);
