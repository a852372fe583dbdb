import { VERSION } from '../../version';
import { DATASET_RECORD_VERSION, type RunDescription, type RunHeader, type RunOptions } from '../contract/datasetRecord';
import type { AnalyzeParams } from '../contract/requests';

export type HeaderFacts = Omit<RunHeader, 'kind' | 'recordVersion' | 'tool' | 'createdAt' | keyof RunDescription | 'merged'>;

/** The analysis options a run header records: those outside `settings` that change the numbers. */
export function runOptionsOf(p: Pick<AnalyzeParams, 'size' | 'gradient' | 'parameters' | 'maxDraws' | 'monteCarloTimeMs'>): RunOptions {
  return {
    size: p.size ?? null,
    gradient: p.gradient ?? 'auto',
    parameters: Boolean(p.parameters),
    maxDraws: p.maxDraws ?? null,
    monteCarloTimeMs: p.monteCarloTimeMs ?? null,
  };
}

export function makeHeader(run: RunDescription, facts: HeaderFacts): RunHeader {
  return { kind: 'run', recordVersion: DATASET_RECORD_VERSION, tool: { name: 'auglens', version: VERSION }, createdAt: new Date().toISOString(), ...facts, ...run };
}

/**
 * What makes two runs' numbers comparable, each part named as a user would: the dataset root, the model's path and
 * the time are left out (shards run on machines that mount things in different places; the model is compared by
 * its content hash), and so is the policy as written (its canonical form is compared).
 */
function comparable(h: RunHeader, withShardIndex: boolean): [string, unknown][] {
  return [
    ['the AugLens version', h.tool.version],
    ['the policy', h.policy.canonical],
    ['the settings', h.settings],
    ['the model file (SHA-256)', h.modelSha256],
    ['the model', h.model && { ...h.model, path: undefined }],
    ['the preprocessing', h.preprocessing],
    ['the analysis options', h.options],
    ['the folder layout', h.layout],
    ['the classes and their labels', h.classes],
    ['the shard count', h.shard.count],
    ...(withShardIndex ? [['the shard', h.shard.index] as [string, unknown]] : []),
  ];
}

/** The first difference between two runs' headers in words ("the policy: A here, B there"), or null when they match. */
export function headerMismatch(mine: RunHeader, theirs: RunHeader, withShardIndex: boolean, here = 'here', there = 'there'): string | null {
  const a = comparable(mine, withShardIndex);
  const b = comparable(theirs, withShardIndex);
  for (const [i, [what, value]] of a.entries()) {
    const left = stableJson(value);
    const right = stableJson(b[i][1]);
    if (left !== right) return `${what}: ${clip(left)} ${here}, ${clip(right)} ${there}`;
  }
  return null;
}

/** JSON with object keys sorted, so that key order never counts as a difference. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  ) ?? 'null';
}

function clip(text: string): string {
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
