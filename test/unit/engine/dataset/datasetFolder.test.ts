import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatasetFolder } from '../../../../src/engine/dataset/datasetFolder';
import { datasetReport } from '../../../../src/engine/dataset/datasetReport';
import { DatasetRows } from '../../../../src/engine/dataset/datasetRows';
import { tempDir } from '../../model/fixtures';
import { failure, header, image, jsonl } from './datasetRecords';

const dir = tempDir();

test('a new folder gets results.jsonl line by line and dataset.json at the end; the lock is released', async () => {
  const out = join(dir, 'fresh');
  const rows = new DatasetRows();
  const folder = await DatasetFolder.open(out, false, rows);
  assert.ok(existsSync(join(dir, '.fresh.auglens-lock')));
  folder.start(header());
  folder.write(image('cat/1.png', { loss: 1, std: 1, flip: 0, top1: 0 }));
  assert.equal(readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n').length, 3, 'the record is on disk before the run ends');
  await folder.finish(datasetReport(folder.header, rows.sorted()));
  await folder.close();
  assert.equal(JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8')).datasetVersion, 1);
  assert.ok(!existsSync(join(dir, '.fresh.auglens-lock')));
});

test('an existing results.jsonl needs --resume, which reads it and keeps its header; other files are refused', async () => {
  const out = join(dir, 'resume');
  mkdirSync(out);
  const old = header({ createdAt: '2020-01-01T00:00:00.000Z' });
  writeFileSync(join(out, 'results.jsonl'), jsonl([old, failure('cat/1.png', 'oom'), image('cat/2.png', { loss: 1, std: 1, flip: 0, top1: 0 })]));
  await assert.rejects(DatasetFolder.open(out, false, new DatasetRows()), /holds the results\.jsonl of a dataset run: add --resume/);
  const rows = new DatasetRows();
  const folder = await DatasetFolder.open(out, true, rows);
  assert.deepEqual([rows.analysed('cat/1.png'), rows.analysed('cat/2.png')], [false, true]);
  assert.throws(() => folder.start(header({ settings: { ...old.settings, seed: 3 } })), /--resume: .* holds a different run \(the settings: /);
  folder.start(header());
  assert.equal(folder.header.createdAt, old.createdAt);
  await folder.close();
  const other = join(dir, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'notes.txt'), 'mine');
  await assert.rejects(DatasetFolder.open(other, true, new DatasetRows()), /is not empty \(notes\.txt\) and holds no results\.jsonl/);
});

test("another host's lock holds while it is touched and is taken over after a minute untouched (a cluster job retried elsewhere)", async () => {
  const out = join(dir, 'shard-0');
  const lock = join(dir, '.shard-0.auglens-lock');
  writeFileSync(lock, '4242\nnode-that-died\n');
  await assert.rejects(DatasetFolder.open(out, true, new DatasetRows()), /another AugLens run \(process 4242 on node-that-died\)/);
  const twoMinutesAgo = new Date(Date.now() - 120_000);
  utimesSync(lock, twoMinutesAgo, twoMinutesAgo);
  const folder = await DatasetFolder.open(out, true, new DatasetRows());
  await folder.close();
});
