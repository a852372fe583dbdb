import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicy } from '../src/core/augment/compile';
import type { Image } from '../src/core/image';
import { parsePolicy } from '../src/core/policy/policy';
import { createRng } from '../src/core/rng';
import { loadInputImage } from '../src/engine/analysis/inputImage';
import { SUITE_POLICIES } from './suite';

/**
 * Milliseconds per augmented draw (`step.sample`) of the suite's policies (bench/suite.ts), the cost of one
 * randomized-rule point or Monte-Carlo sample, next to torchvision's per augmentation measured in the same run
 * (Debian's torchvision 0.14, tensor backend, the image and policy namespace of bench/torchvisionSampler.py).
 * The machine is shared, so both sides are timed in CPU time (this process's, and Python's process_time) as the
 * fastest of RUNS runs after a warm-up, interleaved policy by policy; wall times are recorded beside them.
 * Run with `node --import tsx bench/samplerBench.ts [--only name,...]`; writes bench/results/sampler.json.
 */

/** Each timed run lasts about RUN_MS of CPU time. */
const RUN_MS = 300;
const RUNS = 7;
const ROOT = join(__dirname, '..');
const PYTHON = '/usr/bin/python3';

interface Timing {
  /** Fastest run's CPU milliseconds per draw. */
  readonly cpuMs: number;
  /** Fastest run's wall milliseconds per draw. */
  readonly wallMs: number;
  readonly draws: number;
}

function timeAugLens(img: Image, policy: string): Timing {
  const step = compilePolicy(parsePolicy(policy), img);
  const rng = createRng(1);
  const run = (draws: number) => {
    const cpu = process.cpuUsage();
    const t = performance.now();
    for (let i = 0; i < draws; i++) step.sample(img, rng);
    const wall = performance.now() - t;
    const used = process.cpuUsage(cpu);
    return { cpuMs: (used.user + used.system) / 1000 / draws, wallMs: wall / draws };
  };
  run(20);
  const draws = Math.max(10, Math.round(RUN_MS / run(20).cpuMs));
  const runs = Array.from({ length: RUNS }, () => run(draws));
  return { cpuMs: Math.min(...runs.map((r) => r.cpuMs)), wallMs: Math.min(...runs.map((r) => r.wallMs)), draws };
}

/** torchvision timed the same way, in one Python process per policy; null when it cannot run. */
const TORCHVISION = `
import json, sys, time, torch
sys.path.insert(0, sys.argv[1])
from torchvisionSampler import load_image, namespace
image = load_image(sys.argv[2], int(sys.argv[3]))
policy = eval(sys.argv[4], namespace())
run_ms, runs = float(sys.argv[5]), int(sys.argv[6])
def run(n):
    c, w = time.process_time(), time.perf_counter()
    for _ in range(n):
        policy(image)
    return 1000 * (time.process_time() - c) / n, 1000 * (time.perf_counter() - w) / n
run(20)
draws = max(10, round(run_ms / max(run(20)[0], 1e-3)))
timed = [run(draws) for _ in range(runs)]
print(json.dumps({"cpuMs": min(t[0] for t in timed), "wallMs": min(t[1] for t in timed), "draws": draws,
                  "torchThreads": torch.get_num_threads()}))
`;

function timeTorchvision(image: string, size: number | undefined, policy: string): (Timing & { torchThreads: number }) | null {
  const args = ['-c', TORCHVISION, __dirname, join(ROOT, image), String(size ?? 0), policy, String(RUN_MS), String(RUNS)];
  const run = spawnSync(PYTHON, args, { encoding: 'utf8' });
  if (run.status !== 0) {
    console.error(`torchvision did not run on ${policy}: ${run.stderr || run.error}`);
    return null;
  }
  return JSON.parse(run.stdout);
}

const onlyAt = process.argv.indexOf('--only');
const only = onlyAt < 0 ? null : new Set(process.argv[onlyAt + 1].split(','));
const suite = SUITE_POLICIES.filter((p) => !only || only.has(p.name));

const results = suite.map(({ name, policy, image, size }) => {
  const img = loadInputImage(join(ROOT, image), size ? [size, size] : undefined);
  const auglens = timeAugLens(img, policy);
  const torchvision = timeTorchvision(image, size, policy);
  const ratio = torchvision ? auglens.cpuMs / torchvision.cpuMs : null;
  console.log(
    `${name.padEnd(20)} AugLens ${auglens.cpuMs.toFixed(3)} ms/draw CPU (${auglens.wallMs.toFixed(3)} wall)` +
      (torchvision ? `, torchvision ${torchvision.cpuMs.toFixed(3)} CPU (${torchvision.wallMs.toFixed(3)} wall), ratio ${ratio!.toFixed(2)}x` : ''),
  );
  return { name, policy, image: `${img.channels}x${img.height}x${img.width}`, auglens, torchvision, ratio };
});

const outDir = join(__dirname, 'results');
mkdirSync(outDir, { recursive: true });
const meta = { date: new Date().toISOString(), node: process.version, runs: RUNS, runMs: RUN_MS, time: 'CPU milliseconds per draw, fastest run' };
writeFileSync(join(outDir, 'sampler.json'), JSON.stringify({ ...meta, results }, null, 2) + '\n');
