import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_ROWS_PER_MESSAGE,
  parseDatasetPanelState,
  parseDatasetToHostMessage,
  parseHostToDatasetMessage,
} from '../../../src/shared/datasetProtocol';
import { MAX_TEXT_LENGTH } from '../../../src/shared/validate';

const image = {
  path: 'cat/a.png',
  className: 'cat',
  expectedLoss: 0.31,
  stdLoss: 0.12,
  flipRate: 0.25,
  samplesNeeded: 1234,
  thumbnail: 'https://file+.vscode-resource.vscode-cdn.net/data/cat/a.png',
};
const failure = { path: 'dog/broken.png', className: 'dog', message: 'not a PNG or JPEG file' };
const bar = { name: 'cat', images: 3, failed: 1, meanFlipRate: 0.2, meanStdLoss: 0.1 };
const progress = { running: true, done: 4, total: 9 };
const show = { type: 'datasetShow', folderName: 'val', resultsDir: '/w/.auglens/datasets/val-1a2b3c4d', status: '4 of 9 images', progress, images: [image], failures: [failure], classes: [bar] };
const records = { type: 'datasetRecords', images: [{ ...image, className: null, samplesNeeded: null }], failures: [], classes: [{ ...bar, meanFlipRate: null, meanStdLoss: null }], progress, status: '' };

test('accepts the well-formed host messages of the dataset panel', () => {
  for (const message of [show, records]) assert.deepEqual(parseHostToDatasetMessage(message), message);
});

test('rejects malformed host messages: every row, bar and count is checked', () => {
  const bad: unknown[] = [
    null,
    [],
    { ...show, type: 'other' },
    { ...show, extra: 1 },
    { ...records, folderName: 'val' },
    { ...show, folderName: 3 },
    { ...show, images: [{ ...image, flipRate: 1.5 }] },
    { ...show, images: [{ ...image, expectedLoss: -1 }] },
    { ...show, images: [{ ...image, stdLoss: Number.NaN }] },
    { ...show, images: [{ ...image, samplesNeeded: -3 }] },
    { ...show, images: [{ ...image, thumbnail: 7 }] },
    { ...show, images: [{ ...image, script: 'x' }] },
    { ...show, failures: [{ ...failure, message: 'x'.repeat(MAX_TEXT_LENGTH + 1) }] },
    { ...show, classes: [{ ...bar, images: 1.5 }] },
    { ...show, classes: [{ ...bar, meanFlipRate: 2 }] },
    { ...show, progress: { running: true, done: 10, total: 9 } },
    { ...show, progress: { running: 'yes', done: 1, total: 9 } },
    { ...show, images: new Array(MAX_ROWS_PER_MESSAGE + 1).fill(image) },
  ];
  for (const message of bad) assert.equal(parseHostToDatasetMessage(message), undefined, JSON.stringify(message)?.slice(0, 200));
});

test('accepts the webview messages and rejects anything else (the host treats them as untrusted)', () => {
  const good: unknown[] = [
    { type: 'ready' },
    { type: 'cancel' },
    { type: 'openImage', path: 'cat/a.png' },
    { type: 'rendered', tableRows: 24, failureRows: 1, classBars: 3 },
  ];
  for (const message of good) assert.deepEqual(parseDatasetToHostMessage(message), message);
  const bad: unknown[] = [
    undefined,
    'ready',
    { type: 'ready', path: 'x' },
    { type: 'openImage' },
    { type: 'openImage', path: '' },
    { type: 'openImage', path: 42 },
    { type: 'openImage', path: 'x'.repeat(MAX_TEXT_LENGTH + 1) },
    { type: 'openImage', path: 'a.png', uri: 'file:///etc/passwd' },
    { type: 'rendered', tableRows: -1, failureRows: 0, classBars: 0 },
    { type: 'rendered', tableRows: 1, failureRows: 0 },
    { type: 'run' },
  ];
  for (const message of bad) assert.equal(parseDatasetToHostMessage(message), undefined, JSON.stringify(message)?.slice(0, 200));
});

test('the saved webview state names a results folder or nothing', () => {
  assert.deepEqual(parseDatasetPanelState({ resultsDir: '/w/.auglens/datasets/val-1' }), { resultsDir: '/w/.auglens/datasets/val-1' });
  for (const state of [undefined, null, {}, { resultsDir: '' }, { resultsDir: 5 }, 'x']) assert.equal(parseDatasetPanelState(state), undefined);
});
