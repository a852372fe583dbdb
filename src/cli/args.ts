import { availableParallelism } from 'node:os';
import { MAX_IMAGE_MEGAPIXELS } from '../core/io/limits';
import type { AnalyzeParams } from '../engine/contract/requests';
import { ANALYSIS_LIMITS, IMAGE_SIDE, describeRange, inRange, isImageSize } from '../shared/analysisLimits';
import { CHANNEL_ORDERS, type ChannelOrder } from '../shared/presets';
import type { GradientMode } from '../engine/contract/report';
import { datasetOptions, type DatasetOptions } from './datasetArgs';
import { checkedPolicy } from './policyCheck';
import { parseCommandArgs, UsageError } from './usageError';

export { UsageError };

export const USAGE = `usage:
  auglens moments --image PATH --policy SPEC [--size N|HxW] [--top-k K] [--tolerance EPS] [--max-draws N] [--seed N]
                  [--out DIR] [--json]
  auglens analyze --model M.onnx --image PATH... --policy SPEC [--size N|HxW] [--preprocess PRESET]
                  [--mean a,b,c --std a,b,c --scale 1|255 --channels rgb|bgr|gray] [--label N]
                  [--tolerance EPS] [--max-draws N] [--confidence C] [--top-k K] [--budget N] [--mc M] [--mc-seconds S]
                  [--seed N] [--threads N] [--gradient auto|graph|fd|none] [--parameters] [--out DIR] [--json]
                  dataset runs (--image DIR): [--dataset] [--labels FILE] [--shard I/N] [--resume]
  auglens merge DIR... --out OUT [--json]   combine the shards of a dataset run into one results.jsonl and dataset.json
  auglens example [--out DIR]      run the built-in example (a generated image and model)
  auglens check REPORT [--max-flip-rate F] [--max-std-loss S] [--max-samples-needed N] [--per image|class|dataset]
                [--allow-failures] [--json]      exit 1 when a run crosses a threshold ('auglens check --help')
  auglens compare A B [--confidence C] [--fail-if-less-stable] [--json]
                                   paired differences between two runs on the same images ('auglens compare --help')

SPEC is a torchvision-style policy, e.g. "Compose([RandomCrop(32, padding=4), RandomHorizontalFlip()])",
a ';'-separated list, a JSON list, or @FILE to read it from a file. --image accepts files and folders.
A folder of class folders (torchvision's ImageFolder), or any folder with --dataset, is a dataset run: one line per
image streamed to OUT/results.jsonl as it finishes, then OUT/dataset.json (means with confidence intervals, a
per-class table, the worst images); --resume continues OUT, --shard I/N takes a stable slice (0 <= I < N).`;

const options = {
  image: { type: 'string', multiple: true },
  policy: { type: 'string' },
  model: { type: 'string' },
  size: { type: 'string' },
  'top-k': { type: 'string' },
  tolerance: { type: 'string' },
  confidence: { type: 'string' },
  budget: { type: 'string' },
  'max-draws': { type: 'string' },
  mc: { type: 'string' },
  'mc-seconds': { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  gradient: { type: 'string' },
  parameters: { type: 'boolean' },
  preprocess: { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  scale: { type: 'string' },
  channels: { type: 'string' },
  label: { type: 'string' },
  out: { type: 'string' },
  dataset: { type: 'boolean' },
  labels: { type: 'string' },
  shard: { type: 'string' },
  resume: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CliCommand {
  readonly command: 'moments' | 'analyze' | 'example' | 'help';
  readonly params: AnalyzeParams;
  readonly out?: string;
  readonly json: boolean;
  /** A dataset run (analyze on a dataset folder): its folder, labels, shard and resume. */
  readonly dataset?: DatasetOptions;
}

export function parseCommandLine(argv: readonly string[], readPolicyFile: (path: string) => string, listImages: (p: string) => string[]): CliCommand {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') return helpCommand();
  if (command !== 'moments' && command !== 'analyze' && command !== 'example') {
    throw new UsageError(`unknown command '${command}' (commands: moments, analyze, example, check, compare, merge)`);
  }
  const parsed = parseCommandArgs({ args: joinNegativeValues(rest), options, allowPositionals: false, strict: true });
  const v = parsed.values;
  if (v.help) return helpCommand();
  const num = (name: keyof typeof options, fallback: number, check: (x: number) => boolean = () => true): number => {
    const raw = v[name];
    if (raw === undefined) return fallback;
    const x = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(x) || !check(x)) {
      const rule = REQUIREMENTS[name];
      throw new UsageError(`--${name} ${String(raw)} is not a valid value${rule ? `: --${name} must be ${rule}` : ''}`);
    }
    return x;
  };
  const list = (name: 'mean' | 'std'): number[] | undefined => {
    if (v[name] === undefined) return undefined;
    const items = v[name]!.split(',');
    if (items.some((x) => x.trim() === '')) throw new UsageError(`--${name} '${v[name]}' has an empty value: give 1 number, or 1 per model channel, separated by commas`);
    const xs = items.map(Number);
    if (xs.some((x) => !Number.isFinite(x))) throw new UsageError(`--${name} ${v[name]} must be comma-separated numbers`);
    return xs;
  };
  if (command === 'example') {
    return { command, params: defaults([], ''), out: v.out, json: Boolean(v.json) };
  }
  if (!v.image?.length) throw new UsageError('--image is required');
  if (!v.policy) throw new UsageError('--policy is required');
  if (command === 'analyze' && !v.model) throw new UsageError('--model is required for analyze');
  if (command === 'moments' && v.model) throw new UsageError('moments takes no --model (use analyze)');
  if (command === 'moments' && v.parameters) throw new UsageError('moments takes no --parameters (use analyze with a model)');
  const policy = checkedPolicy(v.policy, readPolicyFile);
  const channels = v.channels;
  if (channels !== undefined && !(CHANNEL_ORDERS as readonly string[]).includes(channels)) {
    throw new UsageError(`--channels ${channels} must be rgb, bgr or gray`);
  }
  const dataset = datasetOptions(command, v);
  const base = defaults(dataset ? [] : v.image.flatMap(listImages), policy);
  return {
    command,
    out: v.out,
    json: Boolean(v.json),
    ...(dataset ? { dataset } : {}),
    params: {
      ...base,
      modelPath: v.model,
      size: v.size === undefined ? undefined : parseSize(v.size),
      topK: num('top-k', base.topK, (x) => inRange('topK', x)),
      tolerance: num('tolerance', base.tolerance, (x) => inRange('tolerance', x)),
      confidence: num('confidence', base.confidence, (x) => inRange('confidence', x)),
      forwardBudget: num('budget', base.forwardBudget, (x) => inRange('forwardBudget', x)),
      maxDraws: v['max-draws'] === undefined ? undefined : num('max-draws', 0, (x) => inRange('maxDraws', x)),
      monteCarloSamples: capped(num('mc', base.monteCarloSamples, (x) => Number.isInteger(x) && x >= 0), ANALYSIS_LIMITS.monteCarloSamples.max, (x, cap) =>
        `--mc ${x} is more than the ${cap} Monte-Carlo draws allowed (one forward pass each; --mc-seconds bounds the time instead)`),
      monteCarloTimeMs: v['mc-seconds'] === undefined ? undefined : 1000 * num('mc-seconds', 0, (x) => x > 0),
      seed: num('seed', base.seed, (x) => inRange('seed', x)),
      threads: v.threads === undefined ? undefined : autoThreads(capped(num('threads', 0, (x) => Number.isInteger(x) && x >= 0), availableParallelism(), (x, cap) =>
        `--threads ${x} is more than this machine's ${cap} CPU cores (more threads than cores only slow onnxruntime down)`)),
      gradient: gradientMode(v.gradient),
      ...(v.parameters ? { parameters: true } : {}),
      label: v.label === undefined ? undefined : num('label', 0, (x) => Number.isInteger(x) && x >= 0),
      preprocess:
        [v.preprocess, v.mean, v.std, v.scale, channels].some((x) => x !== undefined)
          ? {
              preset: v.preprocess,
              mean: list('mean'),
              std: list('std'),
              scale: v.scale === undefined ? undefined : num('scale', 1, (x) => x === 1 || x === 255),
              channels: channels as ChannelOrder | undefined,
            }
          : undefined,
    },
  };
}

/** What a numeric option accepts, for its error message. */
const REQUIREMENTS: Partial<Record<keyof typeof options, string>> = {
  'top-k': describeRange('topK'),
  tolerance: describeRange('tolerance'),
  confidence: describeRange('confidence'),
  budget: describeRange('forwardBudget'),
  'max-draws': describeRange('maxDraws'),
  'mc-seconds': 'a positive number',
  seed: describeRange('seed'),
  label: 'an integer >= 0 (a class index)',
  scale: '1 or 255',
};

/** `--budget -1` as `--budget=-1`: parseArgs takes a value starting with '-' for an option and rejects it. */
function joinNegativeValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') ? args[i].slice(2) : '';
    const option = (options as Record<string, { type: string }>)[name];
    if (option?.type === 'string' && /^-\.?\d/.test(args[i + 1] ?? '')) joined.push(`${args[i]}=${args[++i]}`);
    else joined.push(args[i]);
  }
  return joined;
}

function capped(value: number, limit: number, message: (value: string, limit: string) => string): number {
  if (value > limit) throw new UsageError(message(String(value), limit.toLocaleString('en-US')));
  return value;
}

/** 0 threads: onnxruntime decides. */
function autoThreads(threads: number): number | undefined {
  return threads === 0 ? undefined : threads;
}

function helpCommand(): CliCommand {
  return { command: 'help', params: defaults([], ''), json: false };
}

export function defaults(imagePaths: string[], policy: string): AnalyzeParams {
  return {
    imagePaths,
    policy,
    tolerance: ANALYSIS_LIMITS.tolerance.default,
    confidence: ANALYSIS_LIMITS.confidence.default,
    topK: ANALYSIS_LIMITS.topK.default,
    forwardBudget: ANALYSIS_LIMITS.forwardBudget.default,
    monteCarloSamples: ANALYSIS_LIMITS.monteCarloSamples.default,
    seed: ANALYSIS_LIMITS.seed.default,
  };
}

function parseSize(s: string): [number, number] {
  const m = /^(\d+)(?:x(\d+))?$/.exec(s.trim());
  if (!m) throw new UsageError(`--size ${s} must be N or HxW`);
  const h = Number(m[1]);
  const w = m[2] ? Number(m[2]) : h;
  if (h < IMAGE_SIDE.min || w < IMAGE_SIDE.min || h > IMAGE_SIDE.max || w > IMAGE_SIDE.max) throw new UsageError(`--size ${s} is out of range (${IMAGE_SIDE.min}..${IMAGE_SIDE.max})`);
  if (!isImageSize(h, w)) throw new UsageError(`--size ${s} is more than the ${MAX_IMAGE_MEGAPIXELS} megapixels allowed`);
  return [h, w];
}

function gradientMode(v: string | undefined): GradientMode | undefined {
  if (v === undefined || v === 'auto' || v === 'graph' || v === 'fd' || v === 'none') return v;
  throw new UsageError(`--gradient ${v} must be auto, graph, fd or none`);
}
