import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetProgress } from '../../../src/cli/datasetProgress';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  const s = { isTTY, columns: 200, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream;
  return { s, writes };
}

test('on a terminal: one bar line redrawn with images done, failures, rate and time left, cleared at the end', () => {
  const { s, writes } = stream(true);
  const p = datasetProgress(s, 4, 6);
  p.stage(0.1, 'cat/1.png: exact image moments');
  assert.match(writes.at(-1)!, /^\r\x1b\[2K\[#{2}\.{22}\] dataset: 0\/4 images \(6 done before\), 0\.00 images\/s, ETA -- \| cat\/1\.png: exact image moments$/);
  p.image(true);
  p.image(false);
  assert.match(writes.at(-1)!, /^\r\x1b\[2K\[#{12}\.{12}\] dataset: 2\/4 images \(6 done before\), 1 failed, [\d.]+ images\/s, ETA \d+s$/);
  p.clear();
  assert.equal(writes.at(-1), '\r\x1b[2K');
});

test('elsewhere (a log file): plain lines, the first image and the last at once, none for the stages', () => {
  const { s, writes } = stream(false);
  const p = datasetProgress(s, 3, 0);
  p.stage(0.5, 'a.png: model');
  assert.equal(writes.length, 0);
  p.image(true);
  p.image(true);
  p.image(true);
  assert.equal(writes.length, 2, writes.join(''));
  assert.match(writes[0], /^auglens: 1\/3 images, [\d.]+ images\/s, ETA \d+s\n$/);
  assert.match(writes[1], /^auglens: 3\/3 images, [\d.]+ images\/s, ETA 0s\n$/);
});
