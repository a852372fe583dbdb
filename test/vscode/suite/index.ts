// Entry point VS Code loads in the extension host for the integration tests (`extensionTestsPath`): the same
// `run()` contract for @vscode/test-electron and for the code-server runner.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { ResultReporter } from './resultReporter';

export function run(): Promise<void> {
  // AUGLENS_VSCODE_GREP runs only the tests whose titles match it (e.g. one suite while working on it).
  const grep = process.env.AUGLENS_VSCODE_GREP;
  const mocha = new Mocha({ ui: 'tdd', timeout: 30_000, reporter: ResultReporter, ...(grep && { grep }) });
  // extension.test.js checks the extension before its activation, so it runs first; the other files follow by name,
  // but the dataset compare test runs last: in code-server, closing dataset panels (their thumbnails load through the
  // web workbench's service worker) sometimes leaves the next webview without its script.
  const first = (f: string) => (f === 'extension.test.js' ? 0 : f === 'compareDatasetRuns.test.js' ? 2 : 1);
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js'));
  for (const file of files.sort((a, b) => first(a) - first(b) || a.localeCompare(b))) {
    mocha.addFile(join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
