import { createHash } from 'node:crypto';

/** A slice of a dataset: shard `index` (0-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const WHOLE_DATASET: Shard = { index: 0, count: 1 };

/**
 * The shard an image belongs to: the first 48 bits of the SHA-1 of its relative path (UTF-8), modulo the shard
 * count. It depends on the path alone, so adding or removing files never moves another file to a different shard,
 * and SHA-1 spreads paths that differ in a digit evenly (FNV-1a's low bits did not: 41 to 94 of 500 in 8 shards).
 */
export function shardOf(path: string, count: number): number {
  return createHash('sha1').update(path, 'utf8').digest().readUIntBE(0, 6) % count;
}

/** `I/N` with 0 <= I < N (a Kubernetes JOB_COMPLETION_INDEX, a Slurm array index from 0); throws naming the problem. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`--shard ${text} must be I/N, e.g. 0/4 for the first of four shards`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 100_000) throw new Error(`--shard ${text}: the shard count must be 1 to 100000`);
  if (index >= count) throw new Error(`--shard ${text}: the index counts from 0 and must be less than ${count}`);
  return { index, count };
}
