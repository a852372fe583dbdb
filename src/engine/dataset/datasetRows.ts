import type { DatasetRecord } from '../contract/datasetRecord';
import { byCodePoint } from './imageFolder';

/** What the dataset report needs of one analysed image. */
export interface AnalysedRow {
  readonly kind: 'image';
  readonly path: string;
  readonly className: string | null;
  readonly label: number | null;
  readonly expectedLoss: number;
  readonly stdLoss: number;
  readonly flipRate: number;
  /** Augmented samples for E[loss] within the tolerance; null when E[loss] is 0 (no relative tolerance). */
  readonly samplesNeeded: number | null;
  readonly cleanTop1: number;
}

export interface FailedRow {
  readonly kind: 'error';
  readonly path: string;
  readonly className: string | null;
  readonly label: number | null;
  readonly message: string;
}

export type DatasetRow = AnalysedRow | FailedRow;

function rowOf(record: DatasetRecord): DatasetRow {
  const { path, className, label } = record;
  if (record.kind === 'error') return { kind: 'error', path, className, label, message: record.message };
  const m = record.report.model;
  if (!m) return { kind: 'error', path, className, label, message: 'analysed without a model: no loss' };
  const samples = m.samplesNeeded.loss;
  return {
    kind: 'image',
    path,
    className,
    label,
    expectedLoss: m.expectedLoss,
    stdLoss: m.stdLoss,
    flipRate: m.flipRate,
    samplesNeeded: typeof samples === 'number' && Number.isFinite(samples) ? samples : null,
    cleanTop1: m.clean.top1,
  };
}

/**
 * The images of a run, one row each (a few numbers, not the record), the last record of an image counting (a
 * failure retried by a resume). Rows come out sorted by path, so sums never depend on the order images finished.
 */
export class DatasetRows {
  private readonly byPath = new Map<string, DatasetRow>();

  add(record: DatasetRecord): void {
    this.byPath.set(record.path, rowOf(record));
  }

  /** Whether the image has a record that is not a failure (a resume skips it). */
  analysed(path: string): boolean {
    return this.byPath.get(path)?.kind === 'image';
  }

  get size(): number {
    return this.byPath.size;
  }

  sorted(): DatasetRow[] {
    return [...this.byPath.values()].sort((a, b) => byCodePoint(a.path, b.path));
  }
}
