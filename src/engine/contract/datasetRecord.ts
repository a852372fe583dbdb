import type { EngineErrorCode } from './engineErrors';
import type { ImageReport, Report } from './report';

/**
 * results.jsonl: one JSON object per line. The first line is the run header; then one line per image, written as the
 * image finishes, so a crash or a cancel loses nothing that finished. An image may appear again further down (a
 * failure retried by `--resume`): its last line is the one that counts. Bump on any breaking change; fields may be
 * added without a bump (added so far: RunHeader's `layout`, `classes`, `modelSha256`, `options` and `merged`).
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
  /** 'imageFolder': one sub-folder per class (torchvision's ImageFolder); 'plain': images without classes. */
  readonly layout: 'imageFolder' | 'plain';
  /** ImageFolder: every class folder with the model class index its images are scored against; [] for a plain folder. */
  readonly classes: readonly { readonly name: string; readonly label: number }[];
  /** SHA-256 of the model file (hex): runs on different machines compare the model by content, not by path. */
  readonly modelSha256: string;
  /** The analysis options outside `settings` that change the numbers. */
  readonly options: RunOptions;
  /** Written by `auglens merge`: the shards combined (indices of `shard.count` before the merge). */
  readonly merged?: { readonly count: number; readonly shards: readonly number[] };
}

export interface RunOptions {
  readonly size: readonly [number, number] | null;
  readonly gradient: string;
  readonly parameters: boolean;
  readonly maxDraws: number | null;
  readonly monteCarloTimeMs: number | null;
}

/** What the engine says about a dataset run once its model is loaded: the header's analysis blocks. */
export type RunDescription = Pick<RunHeader, 'policy' | 'settings' | 'model' | 'preprocessing'>;

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
  /** Why, as the engine's error code (absent in files written before codes). */
  readonly code?: EngineErrorCode;
  readonly message: string;
}

export type DatasetRecord = ImageRecord | ImageFailure;
