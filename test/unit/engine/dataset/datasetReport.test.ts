import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { datasetReport } from '../../../../src/engine/dataset/datasetReport';
import { DatasetRows } from '../../../../src/engine/dataset/datasetRows';
import { formatDatasetSummary } from '../../../../src/engine/dataset/datasetSummary';
import { failure, header, image } from './datasetRecords';

const close = (actual: number | undefined, expected: number, what: string) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);

function rows() {
  const r = new DatasetRows();
  // Added out of path order, with a failure later retried: the table must not depend on either.
  r.add(image('dog/1.png', { loss: 3, std: 2, flip: 0.2, top1: 1 }));
  r.add(image('cat/3.png', { loss: 4, std: 0.5, flip: 0.3, top1: 0 }));
  r.add(failure('cat/2.png', 'out of memory'));
  r.add(image('cat/1.png', { loss: 1, std: 0.5, flip: 0.1, top1: 0 }));
  r.add(image('cat/2.png', { loss: 2, std: 1, flip: 0.5, top1: 1 }));
  r.add(failure('dog/broken.png', 'not a PNG or JPEG image'));
  return r;
}

test('per-class table against a hand computation: means, Student-t intervals cut to the range, clean accuracy, empty and one-image classes', () => {
  const report = datasetReport(header(), rows().sorted());
  const [cat, dog, empty] = report.classes;
  // cat: E[loss] 1, 2, 4: mean 7/3, sd sqrt(7/3) = 1.5275; t(0.95, 2) = 4.302653: half-width 3.79458, lower end cut at 0.
  assert.equal(cat.images, 3);
  assert.equal(cat.failed, 0);
  close(cat.expectedLoss!.mean, 7 / 3, 'cat E[loss]');
  close(cat.expectedLoss!.std, 1.5275252316519468, 'cat sd');
  assert.equal(cat.expectedLoss!.interval![0], 0);
  close(cat.expectedLoss!.interval![1], 6.127916367072799, 'cat upper');
  // Std[loss] 0.5, 1, 0.5: mean 2/3, sd 0.288675: interval [-0.0504 -> 0, 1.38378].
  close(cat.stdLoss!.mean, 2 / 3, 'cat Std[loss]');
  assert.deepEqual(cat.stdLoss!.interval![0], 0);
  close(cat.stdLoss!.interval![1], 1.3837754549852124, 'cat Std upper');
  // Flip rates 0.1, 0.5, 0.3: mean 0.3, sd 0.2, half-width 0.496828: [0, 0.796828].
  close(cat.flipRate!.mean, 0.3, 'cat flip');
  close(cat.flipRate!.interval![1], 0.7968275423687505, 'cat flip upper');
  close(cat.cleanAccuracy!, 2 / 3, 'cat accuracy');
  // dog: one analysed image (no interval), one failure.
  assert.deepEqual([dog.images, dog.failed, dog.expectedLoss!.mean, dog.expectedLoss!.interval, dog.cleanAccuracy], [1, 1, 3, null, 1]);
  assert.deepEqual([empty.name, empty.label, empty.images, empty.expectedLoss, empty.cleanAccuracy], ['empty', 2, 0, null, null]);
  assert.deepEqual(report.images, { analysed: 4, failed: 1 });
  assert.deepEqual(report.failures, [{ path: 'dog/broken.png', className: 'dog', message: 'not a PNG or JPEG image' }]);
});

test('dataset aggregates, the law-of-total-variance samples needed and the worst images', () => {
  const report = datasetReport(header(), rows().sorted());
  const a = report.aggregate!;
  close(a.expectedLoss.mean, 2.5, 'E[loss]');
  close(a.flipRate.mean, 0.275, 'flip rate');
  close(a.cleanAccuracy!.mean, 0.75, 'accuracy');
  // Var = mean Std^2 + mean (E_i - 2.5)^2 = 1.375 + 1.25 = 2.625; N = ceil((1.959964 sqrt(2.625) / (0.01 x 2.5))^2).
  assert.equal(report.samplesNeeded.loss, 16135);
  // ceil(1.959964^2 x 0.275 x 0.725 / 0.01^2).
  assert.equal(report.samplesNeeded.flipRate, 7659);
  assert.deepEqual(report.worst.stdLoss.map((w) => [w.path, w.value]), [['dog/1.png', 2], ['cat/2.png', 1], ['cat/1.png', 0.5], ['cat/3.png', 0.5]]);
  assert.deepEqual(report.worst.flipRate.map((w) => w.path), ['cat/2.png', 'cat/3.png', 'dog/1.png', 'cat/1.png']);
  const text = formatDatasetSummary(report);
  assert.match(text, /^ {2}cat +0 +3 +0 +2\.333 +0\.6667 +30\.0% +66\.7%$/m);
  assert.match(text, /^ {2}empty +2 +0 +0 +- +- +- +-$/m);
  assert.match(text, /16,135 for E\[loss\] within 1\.0%/);
});

test('a run where every image failed has no aggregate, and the resume set holds only analysed images', () => {
  const r = new DatasetRows();
  r.add(failure('cat/1.png', 'unreadable'));
  const report = datasetReport(header(), r.sorted());
  assert.equal(report.aggregate, null);
  assert.deepEqual(report.samplesNeeded, { loss: null, flipRate: null });
  assert.equal(r.analysed('cat/1.png'), false);
  r.add(image('cat/1.png', { loss: 1, std: 1, flip: 0, top1: 0 }));
  assert.equal(r.analysed('cat/1.png'), true);
  assert.equal(r.size, 1);
});

test('dataset.json has the keys its schema requires, and no others', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '../../../../schemas/dataset.schema.json'), 'utf8'));
  const report = JSON.parse(JSON.stringify(datasetReport(header(), rows().sorted())));
  const keys = (o: object) => Object.keys(o).sort();
  assert.deepEqual(keys(report), [...schema.required].sort());
  assert.equal(report.datasetVersion, schema.properties.datasetVersion.const);
  assert.deepEqual(keys(report.run), [...schema.properties.run.required].sort());
  assert.deepEqual(keys(report.aggregate), [...schema.properties.aggregate.oneOf[1].required].sort());
  assert.deepEqual(keys(report.aggregate.flipRate), [...schema.definitions.meanEstimate.required].sort());
  assert.deepEqual(keys(report.classes[0]), [...schema.properties.classes.items.required].sort());
  assert.deepEqual(keys(report.worst.stdLoss[0]), [...schema.definitions.worstImage.required].sort());
  assert.deepEqual(keys(report.samplesNeeded), [...schema.properties.samplesNeeded.required].sort());
});
