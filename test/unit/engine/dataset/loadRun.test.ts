import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRun } from '../../../../src/engine/dataset/loadRun';
import { tempDir } from '../../model/fixtures';
import { writeReport, writeResults } from './runFiles';

const dir = tempDir();
let n = 0;
const folder = () => {
  const d = join(dir, `run${n++}`);
  mkdirSync(d);
  return d;
};

test('results.jsonl: each image with its class and model numbers, failures, null samples needed as Infinity', async () => {
  const d = folder();
  writeResults(d, [
    { path: 'cat/1.png', className: 'cat', stdLoss: 0.5, flipRate: 0.25, samplesNeeded: null },
    { path: 'dog/bad.png', className: 'dog', error: 'not a PNG' },
  ]);
  writeReport(d, '/elsewhere', [{ path: 'x.png', stdLoss: 9, flipRate: 1 }]);
  const { run, notes } = await loadRun(d);
  assert.equal(run.format, 'results.jsonl', 'a folder holding both is read through results.jsonl');
  assert.deepEqual(run.images, [{ path: 'cat/1.png', className: 'cat', expectedLoss: 1, stdLoss: 0.5, flipRate: 0.25, samplesNeeded: Infinity }]);
  assert.deepEqual(run.failures, [{ path: 'dog/bad.png', className: 'dog', message: 'not a PNG' }]);
  assert.equal(run.confidence, 0.95);
  assert.equal(run.model, 'model.onnx');
  assert.deepEqual(notes, []);
});

test('an image listed again takes its last line; a last line cut short is skipped with a note', async () => {
  const d = folder();
  const file = writeResults(d, [
    { path: 'a.png', error: 'out of memory' },
    { path: 'b.png', stdLoss: 0.1, flipRate: 0 },
    { path: 'a.png', stdLoss: 0.2, flipRate: 0.5 },
  ], 'model.onnx', '{"kind":"image","path":"c.p');
  const { run, notes } = await loadRun(file);
  assert.deepEqual(run.images.map((i) => i.path), ['b.png', 'a.png']);
  assert.deepEqual(run.failures, []);
  assert.equal(notes.length, 1);
  assert.match(notes[0], /results\.jsonl: the last line was cut short/);
});

test('a broken line inside the file, a missing header or a newer version is refused with the line', async () => {
  const d = folder();
  const file = writeResults(d, [{ path: 'a.png', stdLoss: 0.1, flipRate: 0 }]);
  writeFileSync(file, `{"kind":"run"\n`, { flag: 'a' });
  writeFileSync(file, `{"kind":"image"}\n`, { flag: 'a' });
  await assert.rejects(loadRun(file), /results\.jsonl:3: /);
  writeFileSync(file, `${JSON.stringify({ kind: 'image', path: 'a.png', className: null, label: null, report: {} })}\n`);
  await assert.rejects(loadRun(file), /results\.jsonl:1: .*run header/);
  writeFileSync(file, `${JSON.stringify({ kind: 'run', recordVersion: 99 })}\n`);
  await assert.rejects(loadRun(file), /record version 99/);
  await assert.rejects(loadRun(join(d, 'absent')), /no such file or folder/);
  await assert.rejects(loadRun(folder()), /holds neither results\.jsonl nor report\.json/);
});

test('report.json: images keyed by their paths below the folder they share, no classes', async () => {
  const d = folder();
  writeReport(d, '/data/val', [
    { path: 'cat/1.png', stdLoss: 0.5, flipRate: 0.25 },
    { path: 'dog/2.png', stdLoss: 0.25, flipRate: 0 },
  ]);
  const { run } = await loadRun(d);
  assert.equal(run.format, 'report.json');
  assert.deepEqual(run.images.map((i) => [i.path, i.className, i.stdLoss]), [['cat/1.png', null, 0.5], ['dog/2.png', null, 0.25]]);
  writeReport(d, '/data/val', [{ path: 'cat/1.png', stdLoss: 0.5, flipRate: 0.25 }]);
  assert.deepEqual((await loadRun(d)).run.images.map((i) => i.path), ['1.png'], 'one image: its file name');
  writeReport(d, '/data/val', [{ path: 'cat/1.png', stdLoss: 0.5, flipRate: 0.25 }], null);
  const moments = (await loadRun(join(d, 'report.json'))).run;
  assert.deepEqual([moments.images, moments.withoutModel], [[], ['1.png']]);
  writeFileSync(join(d, 'dataset.json'), '{"datasetVersion": 1, "classes": []}');
  await assert.rejects(loadRun(join(d, 'dataset.json')), /a dataset\.json holds no per-image numbers/);
  writeFileSync(join(d, 'report.json'), '{"schemaVersion": 8, "images": []}');
  await assert.rejects(loadRun(d), /schema version 8 is newer/);
});
