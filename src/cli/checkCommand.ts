import { checkRun, GATE_LEVELS, type GateLevel, type Thresholds } from '../engine/dataset/gate';
import { parseCommandArgs, UsageError } from './usageError';
import { formatGate } from './gateTable';
import { readRunArgument } from './runArgument';

export const CHECK_USAGE = `usage: auglens check REPORT [--max-flip-rate F] [--max-std-loss S] [--max-samples-needed N]
                     [--per image|class|dataset] [--allow-failures] [--json]

Exits 1 when a run crosses a threshold (naming the images and classes that do) or has failed images, 0 when it
passes, 2 on a usage error or a REPORT it cannot read. REPORT: a results.jsonl, a report.json, or a folder holding
one (results.jsonl first). Give at least one threshold; a value above it crosses it:
  --max-flip-rate F        the flip rate (share of augmentations that change the top-1 class), 0..1
  --max-std-loss S         Std[loss] over the augmentations
  --max-samples-needed N   augmented samples a Monte-Carlo estimate of E[loss] needs for the run's tolerance
  --per class              (default) each class's mean over its images; images without a class form one group
  --per image              each image's own values
  --per dataset            the mean over all images
The images whose own values cross a threshold are listed at every level, with counts per class.
  --allow-failures         images that failed to analyse are listed but do not fail the check
  --json                   the result as JSON (infinite samples needed as null)`;

const options = {
  'max-flip-rate': { type: 'string' },
  'max-std-loss': { type: 'string' },
  'max-samples-needed': { type: 'string' },
  per: { type: 'string' },
  'allow-failures': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function threshold(raw: string | undefined, name: string, ok: (x: number) => boolean, rule: string): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new UsageError(`--${name} ${raw} is not a valid value: --${name} must be ${rule}`);
  return x;
}

interface CheckOptions {
  readonly report: string;
  readonly thresholds: Thresholds;
  readonly level: GateLevel;
  readonly allowFailures: boolean;
  readonly json: boolean;
}

function parseCheck(argv: readonly string[]): CheckOptions | 'help' {
  const parsed = parseCommandArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  const v = parsed.values;
  if (v.help) return 'help';
  if (parsed.positionals.length !== 1) throw new UsageError(`check takes one REPORT (a results.jsonl, a report.json or a folder), got ${parsed.positionals.length}`);
  const thresholds: Thresholds = {
    flipRate: threshold(v['max-flip-rate'], 'max-flip-rate', (x) => x >= 0 && x <= 1, 'a rate between 0 and 1'),
    stdLoss: threshold(v['max-std-loss'], 'max-std-loss', (x) => x >= 0, 'a number >= 0'),
    samplesNeeded: threshold(v['max-samples-needed'], 'max-samples-needed', (x) => x >= 1, 'a number >= 1'),
  };
  if (Object.values(thresholds).every((x) => x === undefined)) {
    throw new UsageError('check needs at least one threshold: --max-flip-rate, --max-std-loss or --max-samples-needed');
  }
  const level = v.per ?? 'class';
  if (!(GATE_LEVELS as readonly string[]).includes(level)) throw new UsageError(`--per ${level} must be image, class or dataset`);
  return { report: parsed.positionals[0], thresholds, level: level as GateLevel, allowFailures: Boolean(v['allow-failures']), json: Boolean(v.json) };
}

/** `auglens check`: the exit code (0 pass, 1 fail, 2 an unreadable REPORT; usage errors are thrown). */
export async function checkCommand(argv: readonly string[]): Promise<number> {
  const o = parseCheck(argv);
  if (o === 'help') {
    console.log(CHECK_USAGE);
    return 0;
  }
  const loaded = await readRunArgument(o.report);
  if (!loaded) return 2;
  const { file, run, notes } = loaded;
  for (const note of notes) console.error(`auglens: ${note}`);
  if (run.images.length === 0 && run.failures.length === 0 && run.withoutModel.length) {
    console.error(`auglens: error: ${file} has no model numbers to check (a moments run, without --model)`);
    return 2;
  }
  const result = checkRun(run.images, run.failures, o.thresholds, o.level, o.allowFailures);
  console.log(o.json ? JSON.stringify({ file, ...result }, null, 2) : formatGate(file, result));
  return result.passed ? 0 : 1;
}
