import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultInputs, parseEditableInputs, parseInputs } from '../../../src/shared/panelInputs';
import { parseImageResult } from '../../../src/shared/resultsView';
import {
  DEFAULT_VIEW,
  MAX_TEXT_LENGTH,
  parseHostToWebviewMessage,
  parsePanelState,
  parseWebviewMessage,
} from '../../../src/shared/panelProtocol';
import { imageResult } from './fixtures';

test('accepts the well-formed webview messages', () => {
  const { images: _images, ...editable } = defaultInputs('RandomCrop(24)');
  const good: unknown[] = [
    { type: 'ready' },
    { type: 'rendered', modelName: 'mnist-8.onnx', statusText: 'ONNX model, 26.0 KiB.', canvases: [{ id: 'map-0-mean', width: 28, height: 28, nonUniform: true }], resultColumns: 1 },
    { type: 'editInputs', inputs: editable },
    { type: 'removeImage', index: 2 },
    { type: 'command', command: 'run' },
    { type: 'command', command: 'manageTrust' },
  ];
  for (const message of good) assert.deepEqual(parseWebviewMessage(message), message, JSON.stringify(message));
});

test('rejects malformed or unexpected webview messages', () => {
  const { images: _images, ...editable } = defaultInputs();
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
    { type: 'rendered', modelName: 1, statusText: 'b', canvases: [], resultColumns: 0 },
    { type: 'rendered', modelName: 'a', statusText: 'x'.repeat(MAX_TEXT_LENGTH + 1), canvases: [], resultColumns: 0 },
    { type: 'rendered', modelName: 'a', statusText: 'b', canvases: [{ id: 'c', width: -1, height: 1, nonUniform: true }], resultColumns: 0 },
    { type: 'command', command: 'deleteEverything' },
    { type: 'removeImage', index: -1 },
    { type: 'removeImage', index: 1.5 },
    // the webview may not name files: images are not part of an edit
    { type: 'editInputs', inputs: { ...editable, images: [{ uri: 'file:///etc/passwd', label: 'x' }] } },
    { type: 'editInputs', inputs: { ...editable, policies: ['a'] } },
    { type: 'editInputs', inputs: { ...editable, label: -3 } },
    { type: 'editInputs', inputs: { ...editable, imageSize: { mode: 'custom', height: 0, width: 4 } } },
    { type: 'editInputs', inputs: { ...editable, preprocessing: { ...editable.preprocessing, std: [0] } } },
    { type: 'editInputs', inputs: { ...editable, preprocessing: { ...editable.preprocessing, preset: 'mystery' } } },
    { type: 'showModel', model: { fileName: 'a', uri: 'file:///a' }, status: { level: 'info', text: '' } },
  ];
  for (const message of bad) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
});

test('inputs keep their values through validation and reject the malformed', () => {
  const inputs = {
    ...defaultInputs('RandomHorizontalFlip()'),
    images: [{ uri: 'file:///w/a.png', label: 'a.png' }],
    preprocessing: { preset: 'imagenet' as const, channels: 'bgr' as const, scale: 255, mean: [1, 2, 3], std: [4, 5, 6] },
    imageSize: { mode: 'custom' as const, height: 32, width: 40 },
    label: 3,
    compare: true,
  };
  assert.deepEqual(parseInputs(inputs), inputs);
  assert.equal(parseInputs({ ...inputs, images: [{ uri: 5, label: 'a' }] }), undefined);
  assert.equal(parseEditableInputs({ ...inputs }), undefined, 'an edit may not carry images');
});

test('accepts the well-formed host messages', () => {
  const show = {
    type: 'showModel',
    model: { fileName: 'm.onnx', uri: 'file:///w/m.onnx' },
    mode: 'panel',
    trusted: true,
    display: { sequential: 'viridis', diverging: 'rdbu_r' },
    inputs: defaultInputs(),
    status: { level: 'error', text: 'Pick an image', actions: ['pickImages', 'showLog'] },
  };
  assert.deepEqual(parseHostToWebviewMessage(show), show);
  const status = { type: 'setStatus', status: { level: 'busy', text: 'Running' } };
  assert.deepEqual(parseHostToWebviewMessage(status), status);
  const progress = { type: 'progress', column: 1, stage: 'model', fraction: 0.5, message: 'x.png: 10 of 20' };
  assert.deepEqual(parseHostToWebviewMessage(progress), progress);
  const result = { type: 'imageResult', column: 0, index: 0, count: 1, result: imageResult() };
  assert.deepEqual(parseHostToWebviewMessage(result), result);
});

test('rejects malformed host messages, including arrays that do not match their shapes', () => {
  const good = imageResult();
  const wrongLength = { ...good, arrays: { ...good.arrays, variance: new Float32Array(3) } };
  const jsonArray = { ...good, arrays: { ...good.arrays, mean: Array.from(good.arrays.mean) } };
  const bad: unknown[] = [
    { type: 'setStatus' },
    { type: 'setStatus', status: { level: 'fatal', text: 'x' } },
    { type: 'setStatus', status: { level: 'info', text: 3 } },
    { type: 'setStatus', status: { level: 'info', text: 'x', html: '<b>' } },
    { type: 'setStatus', status: { level: 'info', text: 'x', actions: ['format disk'] } },
    { type: 'showModel', model: { fileName: 'm.onnx' }, status: { level: 'info', text: 'x' } },
    { type: 'modelSummary', state: 'ready', summary: null, note: null },
    { type: 'progress', column: 2, stage: 'model', fraction: 0.5, message: '' },
    { type: 'imageResult', column: 0, index: 1, count: 1, result: good },
    { type: 'imageResult', column: 0, index: 0, count: 1, result: wrongLength },
    { type: 'imageResult', column: 0, index: 0, count: 1, result: jsonArray },
    { type: 'ready' },
  ];
  for (const message of bad) assert.equal(parseHostToWebviewMessage(message), undefined, JSON.stringify(message));
  assert.ok(parseImageResult(good));
});

test('panel state needs a model URI string; bad view options fall back to the defaults', () => {
  const view = { scale: 'per-map', zoom: 4, selectedImage: 2 };
  assert.deepEqual(parsePanelState({ modelUri: 'file:///w/m.onnx', view }), { modelUri: 'file:///w/m.onnx', view });
  assert.deepEqual(parsePanelState({ modelUri: 'file:///w/m.onnx', view: { ...view, zoom: 3 } })?.view, DEFAULT_VIEW);
  for (const state of [undefined, null, {}, { modelUri: 5 }, 'file:///w/m.onnx']) {
    assert.equal(parsePanelState(state), undefined);
  }
});
