// Mocha reporter for the extension host: prints each test and a "N passing / N failing" summary to the console,
// and, when AUGLENS_VSCODE_TEST_OUT names a folder, also writes that text to report.txt and the counts to
// results.json there, because a browser-hosted workbench (code-server) does not forward the host's console.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING } =
  Mocha.Runner.constants;

export interface SuiteResults {
  passed: number;
  failed: number;
  pending: number;
}

export class ResultReporter extends Mocha.reporters.Base {
  private readonly outDir = process.env.AUGLENS_VSCODE_TEST_OUT;

  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    if (this.outDir) {
      mkdirSync(this.outDir, { recursive: true });
      writeFileSync(join(this.outDir, 'report.txt'), '');
    }
    const results: SuiteResults = { passed: 0, failed: 0, pending: 0 };
    const failures: string[] = [];
    const started = Date.now();

    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.title) this.print(`  ${suite.title}`);
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
      results.passed++;
      this.print(`    ✔ ${test.title} (${test.duration ?? 0} ms)`);
    });
    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
      results.pending++;
      this.print(`    - ${test.title} (pending)`);
    });
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, error: Error) => {
      results.failed++;
      failures.push(`${test.fullTitle()}\n      ${error.stack ?? error.message}`);
      this.print(`    ✘ ${test.title}`);
    });
    runner.once(EVENT_RUN_END, () => {
      this.print('');
      this.print(`  ${results.passed} passing (${Date.now() - started} ms)`);
      if (results.pending > 0) this.print(`  ${results.pending} pending`);
      this.print(`  ${results.failed} failing`);
      failures.forEach((failure, i) => this.print(`\n  ${i + 1}) ${failure}`));
      if (this.outDir) writeFileSync(join(this.outDir, 'results.json'), JSON.stringify(results));
    });
  }

  private print(line: string): void {
    console.log(line);
    if (this.outDir) appendFileSync(join(this.outDir, 'report.txt'), `${line}\n`);
  }
}
