// Reads what the suite's reporter (suite/resultReporter.ts) wrote into AUGLENS_VSCODE_TEST_OUT.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteResults } from './suite/resultReporter';

export function readSuiteResults(outDir: string): SuiteResults | undefined {
  const file = join(outDir, 'results.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SuiteResults) : undefined;
}

export function readSuiteReport(outDir: string): string {
  const file = join(outDir, 'report.txt');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
