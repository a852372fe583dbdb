import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineCancelled } from '../../../../src/engine/client';
import { ENGINE_ERROR_CODES, EngineError, type EngineErrorCode } from '../../../../src/engine/contract/engineErrors';
import { actionsForEngineError, actionsForFailure } from '../../../../src/extension/panel/engineErrorActions';
import type { PanelCommand } from '../../../../src/shared/panelProtocol';

const EXPECTED: Record<EngineErrorCode, PanelCommand[]> = {
  policy: ['editPolicy', 'showLog'],
  image: ['pickImages', 'showLog'],
  model: ['showLog'],
  budget: ['openSettings', 'showLog'],
  request: ['showLog'],
  'out-of-memory': ['openSettings', 'showLog'],
  'engine-start': ['openSettings', 'showLog'],
  'engine-exit': ['openSettings', 'showLog'],
  'engine-silent': ['openSettings', 'showLog'],
  protocol: ['showLog'],
  cancelled: [],
  internal: ['showLog'],
};

test('every engine error code maps to the actions that fix it', () => {
  assert.deepEqual(Object.keys(EXPECTED).sort(), [...ENGINE_ERROR_CODES].sort());
  for (const code of ENGINE_ERROR_CODES) assert.deepEqual(actionsForEngineError(code), EXPECTED[code], code);
});

test('the actions follow the code, not the words of the message', () => {
  assert.deepEqual(actionsForFailure(new EngineError('model', '/m.onnx: policy.onnx has 2 inputs', { model: 'multiple-inputs' })), ['showLog']);
  assert.deepEqual(actionsForFailure(new EngineError('policy', 'RandomCrop: required crop size 64x64 is larger than the input image 28x28')), [
    'editPolicy',
    'showLog',
  ]);
  assert.deepEqual(actionsForFailure(new EngineCancelled()), []);
  assert.deepEqual(actionsForFailure(new Error('cannot read the image x.png')), ['showLog']);
});
