// `npm run test:vscode`: runs the extension-host suite in whichever real VS Code can run here, says which, and
// closes with "vscode: N passed, N failed, N skipped".
//   AUGLENS_VSCODE_RUNNER=electron|code-server forces one;
//   otherwise desktop VS Code when VSCODE_EXECUTABLE is set, else code-server when installed
//   (scripts/install-code-server.sh), else desktop VS Code downloaded by @vscode/test-electron.
import { codeServerInstalled } from '../harness/codeServer';
import { runningProcesses } from '../harness/processes';
import { runInCodeServer } from './runCodeServer';
import { runInElectron } from './runElectron';

type Runner = 'electron' | 'code-server';

function chooseRunner(): Runner {
  const forced = process.env.AUGLENS_VSCODE_RUNNER;
  if (forced === 'electron' || forced === 'code-server') return forced;
  if (forced) throw new Error(`AUGLENS_VSCODE_RUNNER must be electron or code-server, not ${forced}`);
  if (process.env.VSCODE_EXECUTABLE) return 'electron';
  return codeServerInstalled() ? 'code-server' : 'electron';
}

async function main(): Promise<number> {
  const runner = chooseRunner();
  console.log(
    runner === 'code-server'
      ? 'vscode runner: code-server 4.100.3 (VS Code 1.100.3 web workbench, Node extension host) in headless Chromium'
      : `vscode runner: @vscode/test-electron with ${process.env.VSCODE_EXECUTABLE ?? 'a downloaded VS Code'}`,
  );
  const started = Date.now();
  const results = runner === 'code-server' ? await runInCodeServer() : await runInElectron();
  const leftover = runningProcesses();
  if (leftover.length > 0) console.error(`still running after the suite: ${leftover.join(', ')}`);
  console.log(`vscode runner ${runner} finished in ${((Date.now() - started) / 1000).toFixed(1)} s (exit code ${results.exitCode})`);
  console.log(`vscode: ${results.passed} passed, ${results.failed} failed, ${results.pending} skipped`);
  const ok = results.failed === 0 && results.passed > 0 && results.exitCode === 0;
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    console.log('vscode: the runner failed before any test counts were reported');
    process.exit(1);
  },
);
