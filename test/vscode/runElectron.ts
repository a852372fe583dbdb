// Runs the extension-host suite in desktop VS Code through @vscode/test-electron: the VS Code at VSCODE_EXECUTABLE,
// else one it downloads (needs internet). On Linux without a display, run under xvfb-run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT } from '../harness/paths';
import { createTestWorkspace } from '../harness/workspace';
import { readSuiteResults } from './results';
import type { SuiteResults } from './suite/resultReporter';

export async function runInElectron(): Promise<SuiteResults & { exitCode: number }> {
  const root = mkdtempSync(join(tmpdir(), 'auglens-vscode-'));
  const outDir = join(root, 'results');
  const workspace = createTestWorkspace(join(root, 'workspace'));
  let exitCode: number;
  try {
    exitCode = await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: join(REPO_ROOT, 'out', 'test', 'vscode', 'suite', 'index.js'),
      extensionTestsEnv: { AUGLENS_VSCODE_TEST_OUT: outDir },
      launchArgs: [
        workspace.folder,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir', join(root, 'user-data'),
        '--extensions-dir', join(root, 'extensions'),
      ],
    });
  } catch (error) {
    // runTests rejects when VS Code exits non-zero, i.e. when a test failed; the counts say which.
    console.error(error instanceof Error ? error.message : error);
    exitCode = 1;
  }
  const results = readSuiteResults(outDir);
  rmSync(root, { recursive: true, force: true });
  if (!results) throw new Error(`the suite wrote no results (exit code ${exitCode})`);
  return { ...results, exitCode };
}
