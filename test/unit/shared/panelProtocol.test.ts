import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_TEXT_LENGTH,
  parseHostMessage,
  parsePanelState,
  parseWebviewMessage,
} from '../../../src/shared/panelProtocol';

test('accepts the well-formed webview messages', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  const rendered = { type: 'rendered', modelName: 'mnist-8.onnx', statusText: 'ONNX model, 26.0 KiB.' };
  assert.deepEqual(parseWebviewMessage(rendered), rendered);
});

test('rejects malformed or unexpected webview messages', () => {
  const bad: unknown[] = [
    undefined,
    null,
    'ready',
    42,
    [],
    {},
    { type: 'unknown' },
    { type: 'ready', extra: 1 },
    { type: 'rendered', modelName: 'a' },
    { type: 'rendered', modelName: 1, statusText: 'b' },
    { type: 'rendered', modelName: 'a', statusText: 'x'.repeat(MAX_TEXT_LENGTH + 1) },
    { type: 'showModel', model: { fileName: 'a', uri: 'file:///a' }, status: { level: 'info', text: '' } },
  ];
  for (const message of bad) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
});

test('accepts the well-formed host messages', () => {
  const show = {
    type: 'showModel',
    model: { fileName: 'm.onnx', uri: 'file:///w/m.onnx' },
    status: { level: 'info', text: 'ONNX model, 36 bytes.' },
  };
  assert.deepEqual(parseHostMessage(show), show);
  const status = { type: 'setStatus', status: { level: 'busy', text: 'Running' } };
  assert.deepEqual(parseHostMessage(status), status);
});

test('rejects malformed host messages', () => {
  const bad: unknown[] = [
    { type: 'setStatus' },
    { type: 'setStatus', status: { level: 'warning', text: 'x' } },
    { type: 'setStatus', status: { level: 'info', text: 3 } },
    { type: 'setStatus', status: { level: 'info', text: 'x', html: '<b>' } },
    { type: 'showModel', model: { fileName: 'm.onnx' }, status: { level: 'info', text: 'x' } },
    { type: 'showModel', model: 'm.onnx', status: { level: 'info', text: 'x' } },
    { type: 'ready' },
  ];
  for (const message of bad) assert.equal(parseHostMessage(message), undefined, JSON.stringify(message));
});

test('panel state needs a model URI string', () => {
  assert.deepEqual(parsePanelState({ modelUri: 'file:///w/m.onnx' }), { modelUri: 'file:///w/m.onnx' });
  for (const state of [undefined, null, {}, { modelUri: 5 }, 'file:///w/m.onnx']) {
    assert.equal(parsePanelState(state), undefined);
  }
});
