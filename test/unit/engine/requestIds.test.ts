import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaults } from '../../../src/cli/args';
import { liveEngineCount, runAnalysis, runInspection } from '../../../src/engine/client';
import { EngineError } from '../../../src/engine/contract/engineErrors';
import { tempDir } from '../model/fixtures';

/**
 * Stand-in engines: each answers a request with `reply(request)` (a JS expression of `m`), so the client's side of
 * the protocol is tested against replies the real engine never sends.
 */
const dir = tempDir();
function fakeEngine(name: string, reply: string): string {
  const path = join(dir, `${name}.js`);
  writeFileSync(path, `process.on('message', (m) => process.send(${reply}));\nprocess.send({ type: 'ready' });\n`);
  return path;
}

const params = defaults(['unused.png'], 'RandomHorizontalFlip()');
const echo = fakeEngine('echo', `{ type: 'result', id: m.id, result: { report: { requestId: m.id }, arrays: [] } }`);

function protocolError(message: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof EngineError, String(e));
    assert.equal(e.code, 'protocol');
    assert.match(e.message, message);
    return true;
  };
}

test('every request gets a new, increasing id, and the reply to it is accepted', async () => {
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) ids.push(((await runAnalysis(echo, params)).report as unknown as { requestId: number }).requestId);
  assert.ok(ids[0] >= 1 && ids[1] > ids[0] && ids[2] > ids[1], `ids ${ids.join(', ')}`);
  assert.equal(liveEngineCount(), 0);
});

test('a reply for another request is refused, naming both ids', async () => {
  const other = fakeEngine('other', `{ type: 'result', id: m.id + 1, result: { report: {}, arrays: [] } }`);
  await assert.rejects(runAnalysis(other, params), protocolError(/answered request (\d+) with 'result' while request (\d+) was in flight/));
  const info = fakeEngine('otherInfo', `{ type: 'modelInfo', id: 0, info: { model: {} } }`);
  await assert.rejects(runInspection(info, 'm.onnx'), protocolError(/answered request 0 with 'modelInfo' while request \d+ was in flight/));
  const error = fakeEngine('otherError', `{ type: 'error', id: m.id - 1, code: 'image', message: 'x.png: not a PNG or JPEG image' }`);
  await assert.rejects(runAnalysis(error, params), protocolError(/'error' \(x\.png: not a PNG or JPEG image\) while request/));
  assert.equal(liveEngineCount(), 0);
});

test('an error reply carries its code and details, validated on receipt', async () => {
  const policy = fakeEngine(
    'policyError',
    `{ type: 'error', id: m.id, code: 'policy', message: 'unknown transform', details: { policy: 'unknown-transform', span: { start: 0, end: 13 } } }`,
  );
  await assert.rejects(runAnalysis(policy, params), (e: unknown) => {
    assert.ok(e instanceof EngineError);
    assert.deepEqual([e.code, e.message, e.details], ['policy', 'unknown transform', { policy: 'unknown-transform', span: { start: 0, end: 13 } }]);
    return true;
  });
  const unknownCode = fakeEngine('unknownCode', `{ type: 'error', id: m.id, code: 'disk-full', message: 'no space' }`);
  await assert.rejects(runAnalysis(unknownCode, params), protocolError(/malformed 'error' message/));
  const noCode = fakeEngine('noCode', `{ type: 'error', id: m.id, message: 'no code' }`);
  await assert.rejects(runAnalysis(noCode, params), protocolError(/malformed 'error' message/));
  const badDetails = fakeEngine('badDetails', `{ type: 'error', id: m.id, code: 'model', message: 'x', details: { model: 'melted' } }`);
  await assert.rejects(runAnalysis(badDetails, params), protocolError(/malformed 'error' message/));
  const badSpan = fakeEngine('badSpan', `{ type: 'error', id: m.id, code: 'policy', message: 'x', details: { span: { start: 5, end: 2 } } }`);
  await assert.rejects(runAnalysis(badSpan, params), protocolError(/malformed 'error' message/));
  assert.equal(liveEngineCount(), 0);
});
