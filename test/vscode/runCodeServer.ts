// Runs the extension-host suite inside code-server: the web workbench takes extensionDevelopmentPath and
// extensionTestsPath from the URL's `payload` parameter (the offline twin of test-electron's runTests) and calls
// window.codeAutomationExit(code) when the test extension host ends.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../harness/chromium';
import { startCodeServer } from '../harness/codeServer';
import { ARTIFACTS_DIR, REPO_ROOT } from '../harness/paths';
import { createTestWorkspace } from '../harness/workspace';
import { readSuiteReport, readSuiteResults } from './results';
import type { SuiteResults } from './suite/resultReporter';

const SUITE_ENTRY = join(REPO_ROOT, 'out', 'test', 'vscode', 'suite', 'index.js');
const RUN_TIMEOUT_MS = 180_000;

export async function runInCodeServer(): Promise<SuiteResults & { exitCode: number }> {
  const root = mkdtempSync(join(tmpdir(), 'auglens-vscode-'));
  const outDir = join(root, 'results');
  const artifacts = join(ARTIFACTS_DIR, 'vscode');
  mkdirSync(artifacts, { recursive: true });
  const workbenchLog: string[] = [];
  const workspace = createTestWorkspace(join(root, 'workspace'));
  const server = await startCodeServer({ root, workspace: workspace.folder, env: { AUGLENS_VSCODE_TEST_OUT: outDir } });
  let exitCode = -1;
  try {
    const chromium = await launchChromium();
    try {
      const page = await chromium.browser.newPage();
      const exited = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', resolve));
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) =>
        workbenchLog.push(`[${type}] ${args.map(String).join(' ')}`),
      );
      page.on('pageerror', (error) => workbenchLog.push(`[pageerror] ${error.message}`));
      await page.goto(suiteUrl(server.authority, workspace.folder));
      exitCode = await Promise.race([
        exited,
        new Promise<number>((_, reject) =>
          setTimeout(() => reject(new Error(`the suite did not finish within ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS),
        ),
      ]);
    } finally {
      await chromium.stop();
    }
  } finally {
    await server.stop();
    writeFileSync(join(artifacts, 'workbench.log'), workbenchLog.join('\n'));
    copyFileSync(server.logFile, join(artifacts, 'code-server.log'));
    process.stdout.write(readSuiteReport(outDir));
    const results = readSuiteResults(outDir);
    rmSync(root, { recursive: true, force: true });
    if (results) return { ...results, exitCode };
  }
  throw new Error(`the suite wrote no results (exit code ${exitCode}); logs in ${artifacts}`);
}

function suiteUrl(authority: string, folder: string): string {
  const remote = (path: string) => `vscode-remote://${authority}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(REPO_ROOT)],
    ['extensionTestsPath', remote(SUITE_ENTRY)],
  ];
  return `http://${authority}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
