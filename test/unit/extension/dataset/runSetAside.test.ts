import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setAsideRunFolder } from '../../../../src/extension/dataset/runSetAside';

const dir = mkdtempSync(join(tmpdir(), 'auglens-set-aside-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a run folder set aside moves whole to the first free -N, leaving its place free for the new run', async () => {
  const run = join(dir, 'val-1a2b3c4d');
  const write = (text: string) => {
    mkdirSync(run);
    writeFileSync(join(run, 'results.jsonl'), text);
  };
  write('first\n');
  assert.equal(await setAsideRunFolder(run), `${run}-2`);
  write('second\n');
  mkdirSync(`${run}-3`);
  assert.equal(await setAsideRunFolder(run), `${run}-4`, '-3 is taken');
  assert.equal(existsSync(run), false);
  assert.equal(readFileSync(join(`${run}-2`, 'results.jsonl'), 'utf8'), 'first\n');
  assert.equal(readFileSync(join(`${run}-4`, 'results.jsonl'), 'utf8'), 'second\n');
  await assert.rejects(setAsideRunFolder(join(dir, 'missing')));
});
