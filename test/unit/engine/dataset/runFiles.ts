// Hand-made results.jsonl and report.json files: only the fields check and compare read, the rest as a run writes it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ImageNumbers {
  readonly path: string;
  readonly className?: string | null;
  readonly expectedLoss?: number;
  readonly stdLoss: number;
  readonly flipRate: number;
  /** null: infinite (E[loss] = 0), as JSON writes Infinity. */
  readonly samplesNeeded?: number | null;
}

const settings = { tolerance: 0.01, confidence: 0.95, topK: 8, forwardBudget: 4096, monteCarloSamples: 0, seed: 0 };

function imageReport(path: string, n: ImageNumbers) {
  return {
    path,
    inputShape: [3, 8, 8],
    model: {
      method: 'exact',
      expectedLoss: n.expectedLoss ?? 2 * n.stdLoss,
      stdLoss: n.stdLoss,
      flipRate: n.flipRate,
      samplesNeeded: { loss: n.samplesNeeded === undefined ? 1000 : n.samplesNeeded, flipRate: 10 },
    },
  };
}

export type Line = ImageNumbers | { readonly path: string; readonly className?: string | null; readonly error: string };

/** results.jsonl in `dir`: the header, then an image or error line each; its path. */
export function writeResults(dir: string, lines: readonly Line[], model = 'model.onnx', extra = ''): string {
  const header = {
    kind: 'run', recordVersion: 1, tool: { name: 'auglens', version: '0.0.0' }, createdAt: '2026-01-01T00:00:00Z', root: '/data/val',
    policy: { text: 'RandomHorizontalFlip()', canonical: 'Compose([RandomHorizontalFlip(p=0.5)])' }, settings,
    model: { path: model }, preprocessing: null, shard: { index: 0, count: 1 },
  };
  const records = lines.map((l) => {
    const key = { path: l.path, className: l.className ?? null, label: null };
    return 'error' in l ? { kind: 'error', ...key, message: l.error } : { kind: 'image', ...key, report: imageReport(`/data/val/${l.path}`, l) };
  });
  const path = join(dir, 'results.jsonl');
  writeFileSync(path, [header, ...records].map((r) => JSON.stringify(r) + '\n').join('') + extra);
  return path;
}

/** report.json in `dir` with images at `folder`/path; its path. */
export function writeReport(dir: string, folder: string, images: readonly ImageNumbers[], model: string | null = 'model.onnx'): string {
  const report = {
    schemaVersion: 5, tool: { name: 'auglens', version: '0.0.0' }, createdAt: '2026-01-01T00:00:00Z',
    policy: { text: 'RandomHorizontalFlip()', canonical: 'Compose([RandomHorizontalFlip(p=0.5)])' }, settings,
    model: model === null ? null : { path: model }, preprocessing: null,
    images: images.map((n) => (model === null ? { path: `${folder}/${n.path}`, model: null } : imageReport(`${folder}/${n.path}`, n))),
    aggregate: { images: images.length },
  };
  const path = join(dir, 'report.json');
  writeFileSync(path, JSON.stringify(report, null, 2));
  return path;
}
