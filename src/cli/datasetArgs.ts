import { statSync } from 'node:fs';
import { isImageFolder } from '../engine/dataset/imageFolder';
import { parseShard, WHOLE_DATASET, type Shard } from '../engine/dataset/shard';
import { UsageError } from './usageError';

export interface DatasetOptions {
  /** The dataset folder (--image). */
  readonly root: string;
  /** --labels FILE: class folder names to model class indices. */
  readonly labels?: string;
  readonly shard: Shard;
  readonly resume: boolean;
}

interface DatasetValues {
  readonly image?: readonly string[];
  readonly dataset?: boolean;
  readonly labels?: string;
  readonly shard?: string;
  readonly resume?: boolean;
  readonly label?: string;
  readonly out?: string;
}

/**
 * Whether the command line asks for a dataset run, and its options: a folder in ImageFolder layout is one, and so is
 * any folder given with --dataset, --labels, --shard or --resume. Anything else keeps the per-image run.
 */
export function datasetOptions(command: string, v: DatasetValues): DatasetOptions | undefined {
  const images = v.image ?? [];
  const asked = v.dataset || v.resume || v.labels !== undefined || v.shard !== undefined;
  if (!asked && !(images.length === 1 && isImageFolder(images[0]))) return undefined;
  const why = asked ? `--${v.dataset ? 'dataset' : v.resume ? 'resume' : v.labels !== undefined ? 'labels' : 'shard'}` : `${images[0]} holds class folders, so it`;
  if (command !== 'analyze') throw new UsageError(`${why} asks for a dataset run, which needs a model: use analyze --model M.onnx`);
  if (images.length !== 1 || !isFolderPath(images[0])) throw new UsageError(`${why}: a dataset run takes one --image, the dataset's folder`);
  if (v.label !== undefined) {
    throw new UsageError(`--label gives every image one class; a dataset run scores each image against its class folder (--labels FILE maps folder names to class indices)`);
  }
  if (v.resume && v.out === undefined) throw new UsageError('--resume needs --out, the folder whose results.jsonl it continues');
  let shard = WHOLE_DATASET;
  if (v.shard !== undefined) {
    try {
      shard = parseShard(v.shard);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return { root: images[0], labels: v.labels, shard, resume: Boolean(v.resume) };
}

function isFolderPath(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
