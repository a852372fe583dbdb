import type { ImageReport, Report } from '../analysis/result';

/**
 * results.jsonl: one JSON object per line. The first line is the run header; then one line per image, written as the
 * image finishes, so a crash or a cancel loses nothing that finished. Bump on any breaking change.
 */
export const DATASET_RECORD_VERSION = 1;

/** The first line: what produced the lines after it, so that a resume or a merge can refuse a different run. */
export interface RunHeader {
  readonly kind: 'run';
  readonly recordVersion: number;
  readonly tool: { readonly name: 'auglens'; readonly version: string };
  readonly createdAt: string;
  /** The dataset root the image paths are relative to (absolute, as given). */
  readonly root: string;
  readonly policy: Report['policy'];
  readonly settings: Report['settings'];
  readonly model: Report['model'];
  readonly preprocessing: Report['preprocessing'];
  /** This run's slice of the image list: shard `index` (0-based) of `count`; { index: 0, count: 1 } when unsharded. */
  readonly shard: { readonly index: number; readonly count: number };
}

/** Where an image sits in the dataset. */
export interface ImageKey {
  /** Relative to the dataset root, '/'-separated. */
  readonly path: string;
  /** The ImageFolder class (sub-folder name), or null for a plain folder. */
  readonly className: string | null;
  /** The model class index the loss is taken against, or null: the clean prediction is the target. */
  readonly label: number | null;
}

/** An analysed image: the per-image report block of report.json (no arrays). */
export interface ImageRecord extends ImageKey {
  readonly kind: 'image';
  readonly report: ImageReport;
}

/** An image that could not be analysed (unreadable, wrong size, NaN outputs, ...): the run goes on. */
export interface ImageFailure extends ImageKey {
  readonly kind: 'error';
  readonly message: string;
}

export type DatasetRecord = ImageRecord | ImageFailure;
