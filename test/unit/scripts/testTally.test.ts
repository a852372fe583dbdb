import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** scripts/test-tally.sh reads `npm test`'s counts and skip reasons from real runner output. */
const TALLY = resolve(__dirname, '../../../scripts/test-tally.sh');

function tally(log: string): { counts: string; reasons: string } {
  const run = (fn: string) => spawnSync('bash', ['-c', `source "$1" && ${fn} "$2"`, 'bash', TALLY, log], { encoding: 'utf8' });
  const counts = run('count_tests');
  assert.equal(counts.status, 0, counts.stderr);
  return { counts: counts.stdout.trim(), reasons: run('skip_reasons').stdout.trim() };
}

test('the node stage: passes, failures and skips with their reasons from the spec reporter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auglens-tally-'));
  try {
    const file = join(dir, 'sample.test.mjs');
    writeFileSync(
      file,
      [
        "import { test, describe } from 'node:test';",
        "test('runs', () => {});",
        "test('no fixtures', { skip: 'fixtures folder is absent' }, () => {});",
        "describe('group', () => { test('no fixtures either', { skip: 'fixtures folder is absent' }, () => {}); });",
        "test('no oracle', (t) => t.skip('Python with torchvision not found'));",
        "test('breaks', () => { throw new Error('x'); });",
      ].join('\n'),
    );
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT; // else the child reports to this runner instead of printing
    const out = spawnSync(process.execPath, ['--test', '--test-reporter=spec', file], { encoding: 'utf8', env });
    const log = join(dir, 'unit.log');
    writeFileSync(log, out.stdout + out.stderr);
    const { counts, reasons } = tally(log);
    assert.equal(counts, '1 1 3');
    assert.equal(reasons, '2 x fixtures folder is absent\n1 x Python with torchvision not found');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the runners closing line, with and without a skipped count', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auglens-tally-'));
  try {
    const ui = join(dir, 'ui.log');
    writeFileSync(ui, '  ✔ a (1.0 s)\n  ﹣ b # ../shared/fixtures is absent\nui: 1 passed, 0 failed, 1 skipped\n');
    assert.deepEqual(tally(ui), { counts: '1 0 1', reasons: '1 x ../shared/fixtures is absent' });
    const old = join(dir, 'old.log');
    writeFileSync(old, 'vscode: 7 passed, 2 failed\n');
    assert.deepEqual(tally(old), { counts: '7 2 0', reasons: '' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
