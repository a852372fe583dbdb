import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

/**
 * The standard policy suite (`npm run bench -- suite`): AugLens' whole CLI, run as a user would, against an honest
 * torchvision baseline (bench/torchvisionSampler.py, Debian's torch / torchvision) on published training recipes.
 *
 * Image level, per policy: the wall time of `node dist/cli.js moments ... --tolerance 0.01 --json` (spawn to exit),
 * the errors AugLens reports (its `quadrature` block, verbatim), then torchvision drawing one augmented tensor at a
 * time with running float64 sums of y and y^2, until its sample variance map is within 1% relative L2 of AugLens' map
 * (or the caps), and torchvision's own estimate of the draws it needs for 1% (N_1%, from an untimed pass of y..y^4).
 * Model level: `node dist/cli.js analyze ...` on real ONNX classifiers; Monte Carlo's cost for 1% relative error on
 * E[loss] = AugLens' samples needed x (torchvision ms per augmentation + onnxruntime ms per forward pass at batch 1,
 * measured here with a plain InferenceSession).
 */

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SAMPLER = join(__dirname, 'torchvisionSampler.py');
const PYTHON = '/usr/bin/python3';
const KITTEN = '../shared/fixtures/images/kitten_224.png';
const TOLERANCE = 0.01;

export interface SuitePolicy {
  readonly name: string;
  /** AugLens / torchvision syntax: the same string for both. */
  readonly policy: string;
  /** Relative to the project root. */
  readonly image: string;
  readonly size?: number;
  readonly source: string;
}

export const SUITE_POLICIES: readonly SuitePolicy[] = [
  {
    name: 'cifar',
    policy: 'Compose([RandomCrop(32, padding=4), RandomHorizontalFlip()])',
    image: KITTEN,
    size: 32,
    source: 'the standard CIFAR-10 ResNet training recipe (He et al. 2016; pytorch-cifar)',
  },
  {
    name: 'crop-flip-224',
    policy: 'Compose([RandomCrop(224, padding=8), RandomHorizontalFlip()])',
    image: KITTEN,
    source: 'the CIFAR recipe scaled to 224 pixels (padding 8)',
  },
  {
    name: 'imagenet',
    policy: 'Compose([RandomResizedCrop(224), RandomHorizontalFlip()])',
    image: KITTEN,
    source: "torchvision's reference ImageNet classification recipe (references/classification/presets.py)",
  },
  {
    name: 'imagenet-jitter',
    policy: 'Compose([RandomResizedCrop(224), RandomHorizontalFlip(), ColorJitter(0.4, 0.4, 0.4)])',
    image: KITTEN,
    source: "the ResNet / timm ImageNet recipes' colour jitter 0.4",
  },
  {
    name: 'crop-rotate-jitter',
    policy: 'Compose([RandomCrop(224, padding=8), RandomHorizontalFlip(), RandomRotation(10, interpolation=InterpolationMode.BILINEAR), ColorJitter(0.2, 0.2)])',
    image: KITTEN,
    source: 'a common fine-tuning recipe: crop + flip + small bilinear rotation + mild brightness/contrast jitter',
  },
  {
    name: 'simclr',
    policy: 'Compose([RandomResizedCrop(224, scale=(0.2, 1.0)), RandomHorizontalFlip(), RandomApply([ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8), RandomGrayscale(p=0.2)])',
    image: KITTEN,
    source: 'SimCLR (Chen et al. 2020) as in MoCo v2 / SimCLR code bases, without the blur',
  },
  {
    name: 'blur',
    policy: 'Compose([RandomResizedCrop(224), RandomHorizontalFlip(), GaussianBlur(23, sigma=(0.1, 2.0))])',
    image: KITTEN,
    source: "BYOL / SimCLR's Gaussian blur (kernel 23 = 10% of 224, sigma in [0.1, 2])",
  },
];

export interface ModelCase {
  readonly name: string;
  /** The suite policy it derives from (for --only). */
  readonly basePolicy: string;
  /** Relative to the project root. */
  readonly model: string;
  readonly policy: string;
  readonly image: string;
  readonly size?: number;
}

export const MODEL_CASES: readonly ModelCase[] = [
  {
    name: 'cifar10-cifar',
    basePolicy: 'cifar',
    model: '../shared/fixtures/models/cifar10-tutorial.onnx',
    policy: SUITE_POLICIES[0].policy,
    image: KITTEN,
    size: 32,
  },
  {
    name: 'cifar10-crop-rotate-jitter-32',
    basePolicy: 'crop-rotate-jitter',
    model: '../shared/fixtures/models/cifar10-tutorial.onnx',
    policy: 'Compose([RandomCrop(32, padding=4), RandomHorizontalFlip(), RandomRotation(10, interpolation=InterpolationMode.BILINEAR), ColorJitter(0.2, 0.2)])',
    image: KITTEN,
    size: 32,
  },
  {
    name: 'squeezenet-imagenet-jitter',
    basePolicy: 'imagenet-jitter',
    model: '../shared/fixtures/models/squeezenet-fp16.onnx',
    policy: SUITE_POLICIES[3].policy,
    image: KITTEN,
  },
];

export interface SuiteOptions {
  /** Names of policies or model cases (a model case also runs when its base policy is named). */
  readonly only: readonly string[] | null;
  /** torchvision's timed run: caps in seconds and draws. */
  readonly capSeconds: number;
  readonly capDraws: number;
  /** Draws of torchvision's untimed self-estimate pass. */
  readonly selfDraws: number;
  /** Timeout of each AugLens process, seconds. */
  readonly timeoutSeconds: number;
  /** onnxruntime forward passes timed per model (after warm-up). */
  readonly ortRuns: number;
  /** Whole `auglens moments` runs per policy; the median wall time is the one compared (one run is noisy). */
  readonly repeats: number;
  readonly quick: boolean;
}

export function parseSuiteArgs(argv: readonly string[]): SuiteOptions {
  const quick = argv.includes('--quick');
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const number = (flag: string, fallback: number): number => {
    const v = value(flag);
    if (v === undefined) return fallback;
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) throw new Error(`${flag} ${v} must be a positive number`);
    return x;
  };
  const known = new Set(['--only', '--cap-seconds', '--cap-draws', '--self-draws', '--timeout', '--ort-runs', '--repeats', '--quick']);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) throw new Error(`suite: unknown option ${a} (known: ${[...known].join(', ')})`);
  const only = value('--only')?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;
  if (only) {
    const names = new Set([...SUITE_POLICIES.map((p) => p.name), ...MODEL_CASES.map((m) => m.name), 'none']);
    const bad = only.filter((n) => !names.has(n));
    if (bad.length) throw new Error(`suite: unknown name(s) ${bad.join(', ')}; known: ${[...names].join(', ')}`);
  }
  return {
    only,
    capSeconds: number('--cap-seconds', quick ? 10 : 60),
    capDraws: Math.round(number('--cap-draws', 80000)),
    selfDraws: Math.round(number('--self-draws', quick ? 1000 : 2000)),
    timeoutSeconds: number('--timeout', 600),
    ortRuns: Math.round(number('--ort-runs', quick ? 50 : 200)),
    repeats: Math.round(number('--repeats', quick ? 1 : 3)),
    quick,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

interface ProcessResult {
  readonly status: 'ok' | 'failed' | 'timeout';
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly wallSeconds: number;
  readonly stderrTail: string;
}

/**
 * Spawns a process in its own process group (so that a timeout ends it and its children, e.g. AugLens' engine),
 * stdout to a file, and measures the wall time from spawn to exit.
 */
function runProcess(command: string, args: readonly string[], stdoutPath: string, timeoutSeconds: number): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const out = openSync(stdoutPath, 'w');
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      const kill = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // already gone
        }
      };
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), 5000);
    }, timeoutSeconds * 1000);
    child.on('error', (e) => {
      stderr += `\nspawn error: ${e.message}`;
    });
    child.on('close', (code, signal) => {
      const wallSeconds = (performance.now() - t0) / 1000;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      closeSync(out);
      resolve({
        status: timedOut ? 'timeout' : code === 0 ? 'ok' : 'failed',
        exitCode: code,
        signal,
        wallSeconds,
        stderrTail: stderr.trim().split('\n').slice(-8).join('\n'),
      });
    });
  });
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Reads a little-endian float32 .npy array. */
function readNpyFloat32(path: string): { shape: number[]; data: Float32Array } {
  const buf = readFileSync(path);
  const major = buf[6];
  const headerLength = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = buf.subarray(major === 1 ? 10 : 12, start).toString('latin1');
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header)) throw new Error(`${path}: not a C-order float32 array (${header.trim()})`);
  const shape = (header.match(/'shape':\s*\(([^)]*)\)/)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
  return { shape, data };
}

// ---------------------------------------------------------------------------------------------------------------
// AugLens

/** Numeric fields named like errors or bounds, booleans (e.g. whether the tolerance was met) and intervals. */
function reportedErrors(block: unknown, prefix = ''): Record<string, number | boolean | number[]> {
  const out: Record<string, number | boolean | number[]> = {};
  if (!block || typeof block !== 'object' || Array.isArray(block)) return out;
  for (const [k, v] of Object.entries(block as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'boolean') out[key] = v;
    else if (typeof v === 'number' && /error|bound|tolerance|confidence|halfwidth|width|stderr|se$/i.test(k)) out[key] = v;
    else if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number') && /interval|ci|bounds?$/i.test(k)) out[key] = v as number[];
    else if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, reportedErrors(v, key));
  }
  return out;
}

interface AugLensMoments {
  readonly command: string[];
  readonly status: ProcessResult['status'];
  /** The median of the runs' wall times. */
  readonly wallSeconds: number;
  readonly wallSecondsRuns: number[];
  readonly stderrTail: string | null;
  readonly outcomes: number | null;
  readonly totalVariance: number | null;
  readonly timingsMs: unknown;
  /** The image report's `quadrature` block, verbatim (null for policies without continuous parameters). */
  readonly quadrature: unknown;
  /** Error, bound and tolerance fields found in that block (flattened). */
  readonly reportedErrors: Record<string, number | boolean | number[]>;
  readonly varianceShape: number[] | null;
}

async function auglensMoments(p: SuitePolicy, dir: string, timeoutSeconds: number, repeats: number): Promise<{ result: AugLensMoments; variancePath: string | null }> {
  const out = join(dir, 'moments');
  const args = ['moments', '--image', p.image, ...(p.size ? ['--size', String(p.size)] : []), '--policy', p.policy, '--tolerance', String(TOLERANCE), '--out', out, '--json'];
  const runs: ProcessResult[] = [];
  // Each run replaces the report folder; the last one's files are the reference. A failed run ends the repeats.
  for (let i = 0; i < repeats && runs.at(-1)?.status !== 'failed' && runs.at(-1)?.status !== 'timeout'; i++) {
    runs.push(await runProcess(process.execPath, [CLI, ...args], join(dir, 'moments.stdout'), timeoutSeconds));
  }
  const proc = runs.at(-1)!;
  const times = runs.map((r) => r.wallSeconds).sort((a, b) => a - b);
  const reportPath = join(out, 'report.json');
  const variancePath = join(out, 'variance.npy');
  const ok = proc.status === 'ok' && existsSync(reportPath) && existsSync(variancePath);
  const moments = ok ? readJson(reportPath).images?.[0]?.moments : null;
  const quadrature = moments?.quadrature ?? null;
  return {
    variancePath: ok ? variancePath : null,
    result: {
      command: ['node', 'dist/cli.js', ...args.map((a) => (a === out ? 'TMPDIR' : a))],
      status: proc.status,
      wallSeconds: times[Math.floor(times.length / 2)],
      wallSecondsRuns: runs.map((r) => r.wallSeconds),
      stderrTail: proc.status === 'ok' ? null : proc.stderrTail,
      outcomes: moments?.outcomes ?? null,
      totalVariance: moments?.totalVariance ?? null,
      timingsMs: ok ? readJson(reportPath).images?.[0]?.timingsMs ?? null : null,
      quadrature,
      reportedErrors: reportedErrors(quadrature),
      varianceShape: ok ? readNpyFloat32(variancePath).shape : null,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// torchvision

interface SamplerRun {
  readonly status: ProcessResult['status'];
  /** Wall time of the whole Python process (import torch, load, draws, self-estimate pass). */
  readonly processWallSeconds: number;
  readonly stderrTail: string | null;
  /** The sampler's JSON (see bench/torchvisionSampler.py); null when it failed. */
  readonly out: any;
}

async function torchvisionSampler(
  p: { policy: string; image: string; size?: number },
  reference: string | null,
  dir: string,
  caps: { seconds: number; draws: number; selfDraws: number },
  tag: string,
): Promise<SamplerRun> {
  const args = [
    SAMPLER,
    '--image', p.image,
    ...(p.size ? ['--size', String(p.size)] : []),
    '--policy', p.policy,
    ...(reference ? ['--reference', reference] : []),
    '--tolerance', String(TOLERANCE),
    '--cap-seconds', String(caps.seconds),
    '--cap-draws', String(caps.draws),
    '--self-draws', String(caps.selfDraws),
  ];
  const stdout = join(dir, `${tag}.sampler.json`);
  // Generous: import, the capped run (one draw may overshoot), the self-estimate pass.
  const proc = await runProcess(PYTHON, args, stdout, 3 * caps.seconds + 600);
  let out: any = null;
  if (proc.status === 'ok') {
    try {
      out = readJson(stdout);
    } catch {
      out = null;
    }
  }
  return { status: out ? proc.status : 'failed', processWallSeconds: proc.wallSeconds, stderrTail: out ? null : proc.stderrTail, out };
}

function summariseSampler(run: SamplerRun) {
  const o = run.out;
  if (!o) return { status: run.status, stderrTail: run.stderrTail };
  const { trace, ...rest } = o;
  return {
    status: run.status,
    processWallSeconds: run.processWallSeconds,
    ...rest,
    // Every 250 draws: the distance to AugLens' map (thinned to at most 80 points).
    trace: (trace as unknown[]).filter((_, i, a) => a.length <= 80 || i % Math.ceil(a.length / 80) === 0 || i === a.length - 1),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Model level

/** IEEE half bits of a float32 value, rounded to nearest even. */
function toHalf(x: number): number {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  f[0] = x;
  const bits = u[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

/**
 * onnxruntime-node's plain InferenceSession (default options) on the model's preprocessed input at batch 1: ms per
 * run over `runs` runs after 10 warm-up runs. The input is AugLens' mean image of the analysis, preprocessed as the
 * report says (channel order, scale, mean, std), so the values are realistic.
 */
async function ortMsPerForward(modelPath: string, meanNpy: string, preprocessing: any, runs: number) {
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const { shape, data } = readNpyFloat32(meanNpy);
    const [c, h, w] = shape;
    const plane = h * w;
    const order = preprocessing.channels === 'bgr' ? [2, 1, 0] : preprocessing.channels === 'gray' ? [0] : [0, 1, 2].slice(0, c);
    const at = (xs: number[], i: number) => (xs.length === 1 ? xs[0] : xs[i]);
    const values = new Float32Array(order.length * plane);
    order.forEach((src, dst) => {
      for (let p = 0; p < plane; p++) {
        values[dst * plane + p] = (preprocessing.scale * data[src * plane + p] - at(preprocessing.mean, dst)) / at(preprocessing.std, dst);
      }
    });
    const inputName = session.inputNames[0];
    const meta = (session as any).inputMetadata?.[0];
    const fp16 = meta?.type === 'float16' || /fp16|float16/i.test(modelPath);
    const dims = [1, order.length, h, w];
    const tensor = fp16 ? new ort.Tensor('float16', Uint16Array.from(values, toHalf), dims) : new ort.Tensor('float32', values, dims);
    const feeds = { [inputName]: tensor };
    for (let i = 0; i < 10; i++) await session.run(feeds);
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await session.run(feeds);
    const ms = (performance.now() - t0) / runs;
    return { msPerForward: ms, runs, warmUp: 10, inputDtype: fp16 ? 'float16' : 'float32', inputShape: dims, sessionOptions: 'onnxruntime defaults' };
  } finally {
    await session.release();
  }
}

async function modelCase(m: ModelCase, dir: string, opts: SuiteOptions, samplerFor: (p: { policy: string; image: string; size?: number }, reference: string | null) => Promise<SamplerRun>) {
  const out = join(dir, 'analyze');
  const args = ['analyze', '--model', m.model, '--image', m.image, ...(m.size ? ['--size', String(m.size)] : []), '--policy', m.policy, '--out', out, '--json'];
  const proc = await runProcess(process.execPath, [CLI, ...args], join(dir, 'analyze.stdout'), opts.timeoutSeconds);
  const reportPath = join(out, 'report.json');
  const base = {
    name: m.name,
    model: m.model,
    policy: m.policy,
    image: m.image,
    size: m.size ?? null,
    command: ['node', 'dist/cli.js', ...args.map((a) => (a === out ? 'TMPDIR' : a))],
    status: proc.status,
    wallSeconds: proc.wallSeconds,
  };
  if (proc.status !== 'ok' || !existsSync(reportPath)) return { ...base, stderrTail: proc.stderrTail };
  const report = readJson(reportPath);
  const r = report.images[0].model;
  const variancePath = join(out, 'variance.npy');
  const sampler = await samplerFor(m, existsSync(variancePath) ? variancePath : null);
  const ort = await ortMsPerForward(join(ROOT, m.model), join(out, 'mean.npy'), report.preprocessing, opts.ortRuns);
  const samples: number = r.samplesNeeded.loss;
  const tvMs: number | null = sampler.out?.msPerAugmentation ?? null;
  const mcMs = tvMs === null ? null : samples * (tvMs + ort.msPerForward);
  // AugLens' own relative half-width on E[loss] (quadrature error or interval); when it is above the tolerance the
  // fair Monte-Carlo comparison is at that accuracy: samples x (tolerance / achieved)^2.
  const halfWidth: number | null = r.quadrature?.error?.expectedLoss ?? (r.expectedLossInterval ? (r.expectedLossInterval[1] - r.expectedLossInterval[0]) / 2 : null);
  const achieved = halfWidth === null ? null : Math.abs(halfWidth / r.expectedLoss);
  const matchedSamples = achieved !== null && achieved > TOLERANCE ? Math.ceil(samples * (TOLERANCE / achieved) ** 2) : null;
  const matchedMs = matchedSamples === null || tvMs === null ? null : matchedSamples * (tvMs + ort.msPerForward);
  const lossLevel: { nodes: number } | undefined = (r.quadrature?.levels ?? []).find(
    (l: { halfWidths: { expectedLoss: number }; expectedLoss: number }) => l.halfWidths.expectedLoss <= TOLERANCE * Math.abs(l.expectedLoss),
  );
  const lossPasses = (lossLevel?.nodes ?? 0) + (r.quadrature?.control?.outcomes ?? 0);
  return {
    ...base,
    preprocessing: report.preprocessing,
    method: r.method,
    methodNote: r.methodNote,
    forwardPasses: r.forwardPasses,
    expectedLoss: r.expectedLoss,
    /** Error of E[loss]: the randomized rule's interval half-width, if any. */
    expectedLossError: r.quadrature?.error?.expectedLoss ?? null,
    /** Confidence interval of E[loss] when it is estimated (stratified). */
    expectedLossInterval: r.expectedLossInterval ?? null,
    stdLoss: r.stdLoss,
    flipRate: r.flipRate,
    /** The model report's quadrature block, verbatim. */
    quadrature: r.quadrature ?? null,
    reportedErrors: reportedErrors(r.quadrature ?? null),
    samplesNeededLoss: samples,
    samplesNeededFlipRate: r.samplesNeeded.flipRate,
    timingsMs: report.images[0].timingsMs,
    torchvision: {
      msPerAugmentation: tvMs,
      msPerDraw: sampler.out?.msPerDraw ?? null,
      draws: sampler.out?.draws ?? null,
      torchThreads: sampler.out?.torchThreads ?? null,
      torchInteropThreads: sampler.out?.torchInteropThreads ?? null,
      torch: sampler.out?.torch ?? null,
      torchvision: sampler.out?.torchvision ?? null,
      python: sampler.out?.python ?? null,
      status: sampler.status,
    },
    onnxruntime: ort,
    monteCarlo: {
      forwardPasses: samples,
      /** samples x (torchvision ms per augmentation + onnxruntime ms per forward pass), in seconds. */
      seconds: mcMs === null ? null : mcMs / 1000,
    },
    passesRatio: samples / r.forwardPasses,
    wallRatio: mcMs === null ? null : mcMs / 1000 / proc.wallSeconds,
    /**
     * The passes of the first level whose interval of E[loss] was within the tolerance (where the randomized rule
     * stops), the control variate's outcomes included, against Monte Carlo's passes for E[loss].
     */
    expectedLossOnly: lossLevel ? { passes: lossPasses, passesRatio: samples / lossPasses } : null,
    /** AugLens' relative error on E[loss] (half-width / E[loss]); null when exact. */
    expectedLossRelativeError: achieved,
    /** When that is above the tolerance: Monte Carlo at AugLens' accuracy instead of 1%. */
    atAugLensAccuracy:
      matchedSamples === null
        ? null
        : { samples: matchedSamples, seconds: matchedMs === null ? null : matchedMs / 1000, passesRatio: matchedSamples / r.forwardPasses, wallRatio: matchedMs === null ? null : matchedMs / 1000 / proc.wallSeconds },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The suite

export async function suiteBench(opts: SuiteOptions, log: (line: string) => void = console.log) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run bundle\` first`);
  const selected = (name: string, base?: string) => !opts.only || opts.only.includes(name) || (base !== undefined && opts.only.includes(base));
  const started = new Date().toISOString();
  const loadBefore = loadavg();
  const work = mkdtempSync(join(tmpdir(), 'auglens-suite-'));
  const samplerCache = new Map<string, SamplerRun>();
  const policies = [];
  const pythonStart = pythonStartSeconds();
  log(`suite: a Python process that imports torch and torchvision takes ${pythonStart.toFixed(2)} s (median of 3)`);
  try {
    for (const p of SUITE_POLICIES) {
      if (!selected(p.name)) continue;
      const dir = mkdtempSync(join(work, `${p.name}-`));
      log(`suite: ${p.name}: AugLens moments ...`);
      const { result: auglens, variancePath } = await auglensMoments(p, dir, opts.timeoutSeconds, opts.repeats);
      log(`suite: ${p.name}: AugLens ${auglens.status} in ${auglens.wallSeconds.toFixed(2)} s; torchvision ...`);
      const sampler = await torchvisionSampler(p, variancePath, dir, { seconds: opts.capSeconds, draws: opts.capDraws, selfDraws: opts.selfDraws }, 'image');
      if (sampler.out && variancePath) samplerCache.set(samplerKey(p), sampler);
      const tv = sampler.out;
      const n1: number | null = tv?.selfEstimate?.drawsFor1Percent ?? null;
      const selfSeconds = n1 !== null ? (n1 * tv.msPerDraw) / 1000 : null;
      const tvSeconds = tv && tv.reached ? tv.seconds : null;
      // AugLens' own variance-map error estimate, when it reports one: torchvision's time to that error instead of 1%.
      const exactPixels = (auglens.quadrature as { pixelMethod?: string } | null)?.pixelMethod === 'exact';
      const augErr = exactPixels ? undefined : auglens.reportedErrors.varianceError;
      const matchedSeconds = selfSeconds !== null && typeof augErr === 'number' && augErr > TOLERANCE ? selfSeconds * (TOLERANCE / augErr) ** 2 : null;
      const entry = {
        name: p.name,
        policy: p.policy,
        image: p.image,
        size: p.size ?? null,
        source: p.source,
        auglens,
        torchvision: summariseSampler(sampler),
        /** torchvision seconds (to 1% of AugLens' map) / AugLens wall seconds; null when not reached. */
        ratioToAugLensMap: tvSeconds !== null && auglens.status === 'ok' ? tvSeconds / auglens.wallSeconds : null,
        /** N_1% x ms per draw (torchvision's own estimate of its time for 1%), in seconds. */
        selfEstimateSeconds: selfSeconds,
        /** That time / AugLens wall seconds. */
        ratioBySelfEstimate: selfSeconds !== null && auglens.status === 'ok' ? selfSeconds / auglens.wallSeconds : null,
        /**
         * When AugLens reports a variance-map error above the tolerance: torchvision's self-estimated time to that same
         * error (N_1% x (0.01 / error)^2 x ms per draw), and its ratio to AugLens' wall time (matched accuracy).
         */
        selfEstimateSecondsAtAugLensError: matchedSeconds,
        /**
         * A user's script instead of the loop alone: Python's start and `import torch, torchvision` plus N_1% draws,
         * against AugLens' whole process (which includes Node's start): the like-for-like ratio of two commands.
         */
        ratioAsScript: selfSeconds !== null && auglens.status === 'ok' ? (pythonStart + selfSeconds) / auglens.wallSeconds : null,
        ratioAtAugLensError: matchedSeconds !== null && auglens.status === 'ok' ? matchedSeconds / auglens.wallSeconds : null,
      };
      policies.push(entry);
      log(describePolicyLine(entry));
    }
    const models = [];
    for (const m of MODEL_CASES) {
      if (!selected(m.name, m.basePolicy)) continue;
      const dir = mkdtempSync(join(work, 'model-'));
      log(`suite: ${m.name}: AugLens analyze ...`);
      const samplerFor = async (p: { policy: string; image: string; size?: number }, reference: string | null) => {
        const cached = samplerCache.get(samplerKey(p));
        if (cached) return cached;
        // Only the cost per draw is needed here: a shorter run, no self-estimate.
        const run = await torchvisionSampler(p, reference, dir, { seconds: Math.min(opts.capSeconds, 10), draws: opts.capDraws, selfDraws: 0 }, 'model');
        if (run.out) samplerCache.set(samplerKey(p), run);
        return run;
      };
      const entry = await modelCase(m, dir, opts, samplerFor);
      models.push(entry);
      log(describeModelLine(entry));
    }
    const cpu = cpus();
    return {
      started,
      /** The commit the CLI bundle was built from, and the files under src/ that differed from it (others' work). */
      build: buildInfo(),
      options: opts,
      tolerance: TOLERANCE,
      pythonStartSeconds: pythonStart,
      machine: {
        cores: cpu.length,
        cpuModel: cpu[0]?.model ?? null,
        totalMemoryGiB: totalmem() / 2 ** 30,
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadavg(),
        torch: torchInfo([...policies.map((p) => p.torchvision), ...models.map((m) => ('torchvision' in m ? m.torchvision : null))]),
      },
      notes: [
        'AugLens seconds: wall time of the whole CLI process (node startup, engine fork, moments, top-8 eigenpairs, writing the report and PNGs).',
        'torchvision seconds: the timed sampling loop only (draws, float64 sums of y and y^2, a variance map and its distance to AugLens every 250 draws); Python start and `import torch` are not counted (processWallSeconds has the whole process).',
        'reached: the first check at which the distance to AugLens\' map was <= 1%; a lucky crossing can come before the self-estimate N_1% (the distance fluctuates around the standard error).',
        'N_1% (self-estimate): sum_p Var[(y_p - mu_p)^2] / (0.01^2 ||var||^2) from an untimed pass; its time is N_1% x ms per draw.',
        'Model level: Monte Carlo seconds = AugLens samples needed for 1% relative error on E[loss] x (torchvision ms per augmentation + onnxruntime ms per forward pass at batch 1, plain InferenceSession).',
        'torchvision 0.14 tensors: Resize and RandomResizedCrop default to antialias=True in the sampler (torchvision >= 0.17, AugLens\' semantics).',
      ],
      policies,
      models,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Wall seconds of `python3 -c "import torch, torchvision"`, the median of three runs. */
function pythonStartSeconds(): number {
  const runs = Array.from({ length: 3 }, () => {
    const t = performance.now();
    execFileSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' });
    return (performance.now() - t) / 1000;
  });
  return runs.sort((a, b) => a - b)[1];
}

function buildInfo() {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  const dirty = git('status', '--porcelain', '--', 'src');
  return { head: git('rev-parse', 'HEAD'), srcChanges: dirty === null ? null : dirty.split('\n').filter(Boolean) };
}

/** torch / torchvision versions and threads, from the first sampler run that reported them. */
function torchInfo(runs: readonly any[]) {
  const o = runs.find((t) => t && t.torch);
  return o ? { torch: o.torch, torchvision: o.torchvision, torchThreads: o.torchThreads, torchInteropThreads: o.torchInteropThreads, python: o.python } : null;
}

function samplerKey(p: { policy: string; image: string; size?: number }): string {
  return `${p.policy}|${p.image}|${p.size ?? ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Tables

const fmt = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(2)}%`);
const int = (x: number | null | undefined) => (x === null || x === undefined ? '-' : Math.round(x).toLocaleString('en-US'));
const ratio = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x >= 10 ? `${x.toFixed(0)}x` : `${x.toFixed(2)}x`);

type PolicyEntry = Awaited<ReturnType<typeof suiteBench>>['policies'][number];
type ModelEntry = Awaited<ReturnType<typeof suiteBench>>['models'][number];

function auglensErrors(a: AugLensMoments): string {
  if (a.status !== 'ok') return a.status === 'timeout' ? `timeout (${fmt(a.wallSeconds, 0)} s)` : 'failed';
  if (!a.quadrature) return 'exact (no quadrature)';
  if ((a.quadrature as { pixelMethod?: string }).pixelMethod === 'exact') return 'exact per pixel (eigenpairs from a quadrature set)';
  const e = a.reportedErrors;
  const parts = [];
  if (typeof e.meanError === 'number') parts.push(`mean ${pct(e.meanError)}`);
  if (typeof e.varianceError === 'number') parts.push(`var ${pct(e.varianceError)}`);
  for (const [k, v] of Object.entries(e)) if (typeof v === 'boolean') parts.push(`${k}=${v}`);
  return parts.join(', ') || 'see quadrature block';
}

function tvToMap(e: PolicyEntry): string {
  const t = e.torchvision as any;
  if (!t.draws) return t.status ?? 'failed';
  if (t.distance === null) return 'no AugLens map';
  return t.reached ? `${fmt(t.seconds)} s / ${int(t.draws)} draws` : `not reached: ${pct(t.distance)} at ${int(t.draws)} draws, ${fmt(t.seconds, 0)} s`;
}

function describePolicyLine(e: PolicyEntry): string {
  const t = e.torchvision as any;
  return (
    `suite: ${e.name}: AugLens ${fmt(e.auglens.wallSeconds)} s (${auglensErrors(e.auglens)}); torchvision to AugLens' map: ${tvToMap(e)}; ` +
    `${fmt(t.msPerDraw, 3)} ms/draw; N_1% ${int(t.selfEstimate?.drawsFor1Percent)} (${fmt(e.selfEstimateSeconds)} s); ` +
    `ratios ${ratio(e.ratioToAugLensMap)} / ${ratio(e.ratioBySelfEstimate)}`
  );
}

function describeModelLine(m: ModelEntry): string {
  if (!('method' in m)) return `suite: ${m.name}: AugLens analyze ${m.status} after ${fmt(m.wallSeconds)} s`;
  return (
    `suite: ${m.name}: AugLens ${m.method} ${m.forwardPasses} passes in ${fmt(m.wallSeconds)} s; Monte Carlo ${int(m.samplesNeededLoss)} passes ` +
    `x (${fmt(m.torchvision.msPerAugmentation, 3)} + ${fmt(m.onnxruntime.msPerForward, 3)}) ms = ${fmt(m.monteCarlo.seconds)} s; ratios ${ratio(m.passesRatio)} passes, ${ratio(m.wallRatio)} wall` +
      (m.expectedLossOnly ? `; E[loss] alone within the tolerance after ${int(m.expectedLossOnly.passes)} passes (${ratio(m.expectedLossOnly.passesRatio)})` : '')
  );
}

export function describeSuite(r: Awaited<ReturnType<typeof suiteBench>>): string {
  const lines = [
    `Machine: ${r.machine.cores} cores (${r.machine.cpuModel}), node ${r.machine.node}, load ${r.machine.loadAverageBefore.map((x) => x.toFixed(2)).join(' ')} before; ` +
      `torch ${(r.machine.torch as any)?.torch ?? '?'} / torchvision ${(r.machine.torch as any)?.torchvision ?? '?'} with ${(r.machine.torch as any)?.torchThreads ?? '?'} thread(s); ` +
      `caps ${r.options.capSeconds} s / ${r.options.capDraws} draws${r.options.quick ? ' (--quick)' : ''}.`,
    '',
    `AugLens s: the median of ${r.options.repeats} whole \`auglens moments\` runs. ` +
      'Ratios are torchvision seconds / AugLens seconds (above 1: AugLens is faster). "to map": torchvision run until its variance map is within 1% of AugLens\'; ' +
      '"self": torchvision\'s own estimate of its draws for 1% (N_1%) x ms/draw; "at AugLens\' error": the same, to the variance error AugLens reports when that is above 1%.',
    '',
    `"as a script": Python's start and \`import torch, torchvision\` (${r.pythonStartSeconds.toFixed(2)} s here) plus the N_1% draws, against AugLens' whole process.`,
    '',
    '| policy | AugLens s | AugLens reported error | torchvision to 1% of AugLens\' map | ms/draw | N_1% (self) | N_1% time s | ratio (to map) | ratio (self) | ratio (at AugLens\' error) | ratio (self, as a script) |',
    '| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const e of r.policies) {
    const t = e.torchvision as any;
    lines.push(
      `| ${e.name} | ${e.auglens.status === 'ok' ? fmt(e.auglens.wallSeconds) : `${e.auglens.status} (${fmt(e.auglens.wallSeconds, 0)})`} | ${auglensErrors(e.auglens)} | ${tvToMap(e)} | ${fmt(t.msPerDraw, 3)} | ` +
        `${int(t.selfEstimate?.drawsFor1Percent)} | ${fmt(e.selfEstimateSeconds)} | ${ratio(e.ratioToAugLensMap)} | ${ratio(e.ratioBySelfEstimate)} | ${ratio(e.ratioAtAugLensError)} | ${ratio(e.ratioAsScript)} |`,
    );
  }
  if (r.models.length) {
    lines.push(
      '',
      'Monte Carlo (MC) = AugLens\' samples needed for 1% relative error on E[loss] (95%) x (torchvision ms/augmentation + onnxruntime ms/forward pass); ratios MC / AugLens. ' +
        'When AugLens did not reach 1% itself, the last two columns compare at AugLens\' achieved relative error instead.',
      '',
      '| model / policy | AugLens s | method | passes | E[loss] (error / interval) | MC samples for 1% | tv ms/aug | ort ms/pass | MC s | passes ratio | wall ratio | passes / wall ratio at AugLens\' accuracy | E[loss] alone within 1%: passes (ratio) |',
      '| --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    );
    for (const m of r.models) {
      if (!('method' in m)) {
        lines.push(`| ${m.name} | ${m.status} (${fmt(m.wallSeconds, 0)}) | - | - | - | - | - | - | - | - | - | - | - |`);
        continue;
      }
      const err =
        m.expectedLossInterval !== null
          ? `[${fmt(m.expectedLossInterval[0], 4)}, ${fmt(m.expectedLossInterval[1], 4)}]`
          : m.expectedLossError !== null
            ? `+- ${fmt(m.expectedLossError, 4)}`
            : 'exact';
      const met = Object.entries(m.reportedErrors).filter(([, v]) => typeof v === 'boolean').map(([k, v]) => `${k.split('.').pop()}=${v}`);
      lines.push(
        `| ${m.name} | ${fmt(m.wallSeconds)} | ${m.method} | ${int(m.forwardPasses)} | ${fmt(m.expectedLoss, 4)} (${[err, ...met].join(', ')}) | ${int(m.samplesNeededLoss)} | ` +
          `${fmt(m.torchvision.msPerAugmentation, 3)} | ${fmt(m.onnxruntime.msPerForward, 3)} | ${fmt(m.monteCarlo.seconds)} | ${ratio(m.passesRatio)} | ${ratio(m.wallRatio)} | ${
          m.atAugLensAccuracy ? `${ratio(m.atAugLensAccuracy.passesRatio)} / ${ratio(m.atAugLensAccuracy.wallRatio)} (${pct(m.expectedLossRelativeError)}, ${int(m.atAugLensAccuracy.samples)} MC samples)` : '-'
        } | ${m.expectedLossOnly ? `${int(m.expectedLossOnly.passes)} (${ratio(m.expectedLossOnly.passesRatio)})` : m.method === 'exact' ? 'exact' : 'not reached'} |`,
      );
    }
  }
  return lines.join('\n');
}
