import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDatasetSummary } from '../../../../src/engine/dataset/datasetSummary';
import { MergeError, mergeResults } from '../../../../src/engine/dataset/mergeResults';
import type { DatasetRecord } from '../../../../src/engine/contract/datasetRecord';
import { ResultsFormatError, ResultsWriter, scanResults } from '../../../../src/engine/dataset/resultsFile';
import { headerMismatch } from '../../../../src/engine/dataset/runHeader';
import { tempDir } from '../../model/fixtures';
import { failure, header, image, jsonl } from './datasetRecords';

const dir = tempDir();

async function records(path: string): Promise<{ paths: string[]; scan: Awaited<ReturnType<typeof scanResults>> }> {
  const paths: string[] = [];
  const scan = await scanResults(path, (r) => paths.push(`${r.kind} ${r.path}`));
  return { paths, scan };
}

test('a line cut short by a kill is skipped when read and cut off when the file is reopened', async () => {
  const path = join(dir, 'cut.jsonl');
  const writer = ResultsWriter.create(path, header());
  writer.write(image('cat/1.png', { loss: 1, std: 1, flip: 0, top1: 0 }));
  writer.close();
  const whole = readFileSync(path).length;
  appendFileSync(path, JSON.stringify(image('cat/2.png', { loss: 1, std: 1, flip: 0, top1: 0 })).slice(0, 40));
  const before = await records(path);
  assert.deepEqual(before.paths, ['image cat/1.png']);
  assert.deepEqual([before.scan.cutShort, before.scan.validBytes, before.scan.records], [true, whole, 1]);
  const again = ResultsWriter.reopen(path, before.scan.validBytes);
  again.write(failure('cat/2.png', 'unreadable'));
  again.close();
  const after = await records(path);
  assert.deepEqual(after.paths, ['image cat/1.png', 'error cat/2.png']);
  assert.equal(after.scan.cutShort, false);
  assert.equal(readFileSync(path, 'utf8').split('\n').length, 4);
});

test('a malformed line in the middle or a missing header is an error naming the line', async () => {
  const path = join(dir, 'bad.jsonl');
  writeFileSync(path, jsonl([header()]) + 'oops\n' + jsonl([image('a.png', { loss: 1, std: 1, flip: 0, top1: 0 })]));
  await assert.rejects(scanResults(path, () => undefined), (e: Error) => e instanceof ResultsFormatError && /bad\.jsonl:2: not a JSON line/.test(e.message));
  writeFileSync(path, jsonl([image('a.png', { loss: 1, std: 1, flip: 0, top1: 0 })]));
  await assert.rejects(scanResults(path, () => undefined), /:1: the first line must be the run header/);
});

test('headers: the root and the time do not count; policy, settings, classes and the shard do', () => {
  const base = header();
  const moved = header({ root: '/mnt/other', createdAt: '2020-01-01T00:00:00.000Z' });
  assert.equal(headerMismatch(base, moved, true), null);
  assert.match(
    headerMismatch(base, header({ policy: { text: 'RandomVerticalFlip()', canonical: 'Compose([RandomVerticalFlip(p=0.5)])' } }), true, 'now', 'before')!,
    /^the policy: "Compose\(\[RandomHorizontalFlip\(p=0\.5\)\]\)" now, "Compose\(\[RandomVerticalFlip\(p=0\.5\)\]\)" before$/,
  );
  assert.match(headerMismatch(base, header({ settings: { ...base.settings, seed: 7 } }), true)!, /^the settings: /);
  assert.match(headerMismatch(base, header({ classes: [{ name: 'cat', label: 5 }] }), true)!, /^the classes and their labels: /);
  const shard1 = header({ shard: { index: 1, count: 1 } });
  assert.match(headerMismatch(base, shard1, true)!, /^the shard: 0 here, 1 there$/);
  assert.equal(headerMismatch(base, shard1, false), null);
});

function shardFolder(name: string, index: number, lines: readonly DatasetRecord[], overrides = {}): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'results.jsonl'), jsonl([header({ shard: { index, count: 3 }, ...overrides }), ...lines]));
  return d;
}

test('merge: shards combined, a retried failure superseded, missing shards recorded; refused for a different run, an image twice or a shard twice', async () => {
  const a = shardFolder('s0', 0, [failure('cat/1.png', 'oom'), image('dog/1.png', { loss: 2, std: 1, flip: 0.5, top1: 1 }), image('cat/1.png', { loss: 1, std: 1, flip: 0, top1: 0 })]);
  const b = shardFolder('s2', 2, [image('cat/2.png', { loss: 3, std: 1, flip: 0.25, top1: 0 })]);
  const out = join(dir, 'merged.jsonl');
  const merged = await mergeResults([a, join(b, 'results.jsonl')], out);
  assert.deepEqual(merged.header.merged, { count: 3, shards: [0, 2] });
  assert.deepEqual(merged.header.shard, { index: 0, count: 1 });
  assert.deepEqual(merged.report.images, { analysed: 3, failed: 0 });
  assert.equal(merged.report.aggregate!.expectedLoss.mean, 2);
  assert.deepEqual((await records(out)).paths, ['image dog/1.png', 'image cat/1.png', 'image cat/2.png']);
  assert.match(formatDatasetSummary(merged.report), /merged from shards 0, 2 of 3\n.*WARNING: shards 1 of 3 are missing/);

  const other = shardFolder('s1-other', 1, [], { settings: { ...header().settings, tolerance: 0.05 } });
  await assert.rejects(mergeResults([a, other], join(dir, 'm1.jsonl')), (e: Error) => e instanceof MergeError && /different runs: the settings/.test(e.message));
  const twice = shardFolder('s1-dup', 1, [image('cat/2.png', { loss: 3, std: 1, flip: 0.25, top1: 0 })]);
  await assert.rejects(mergeResults([a, b, twice], join(dir, 'm2.jsonl')), /1 image is in two shards: cat\/2\.png/);
  const again = shardFolder('s0-again', 0, []);
  await assert.rejects(mergeResults([a, again], join(dir, 'm3.jsonl')), /are both shard 0\/3/);
});
