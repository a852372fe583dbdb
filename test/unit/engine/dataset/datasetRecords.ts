// Hand-made run headers and records for the dataset tests: only the fields the dataset report reads are real.
import type { DatasetRecord, ImageRecord, RunHeader } from '../../../../src/engine/contract/datasetRecord';
import { makeHeader } from '../../../../src/engine/dataset/runHeader';

export function header(overrides: Partial<RunHeader> = {}): RunHeader {
  const run = {
    policy: { text: 'RandomHorizontalFlip()', canonical: 'Compose([RandomHorizontalFlip(p=0.5)])' },
    settings: { tolerance: 0.01, confidence: 0.95, topK: 2, forwardBudget: 4096, monteCarloSamples: 0, seed: 0 },
    model: null,
    preprocessing: null,
  };
  const facts = {
    root: '/data/val',
    shard: { index: 0, count: 1 },
    layout: 'imageFolder' as const,
    classes: [{ name: 'cat', label: 0 }, { name: 'dog', label: 1 }, { name: 'empty', label: 2 }],
    modelSha256: 'ab'.repeat(32),
    options: { size: null, gradient: 'auto', parameters: false, maxDraws: null, monteCarloTimeMs: null },
  };
  return { ...makeHeader(run, facts), ...overrides };
}

export function image(path: string, n: { loss: number; std: number; flip: number; top1: number; samples?: number | null }): ImageRecord {
  const className = path.split('/')[0];
  const label = { cat: 0, dog: 1 }[className] ?? null;
  const model = { expectedLoss: n.loss, stdLoss: n.std, flipRate: n.flip, samplesNeeded: { loss: n.samples ?? 100, flipRate: 100 }, clean: { top1: n.top1 } };
  return { kind: 'image', path, className, label, report: { path, model } as unknown as ImageRecord['report'] };
}

export function failure(path: string, message: string): DatasetRecord {
  return { kind: 'error', path, className: path.split('/')[0], label: null, message };
}

export function jsonl(lines: readonly object[]): string {
  return lines.map((l) => JSON.stringify(l) + '\n').join('');
}
