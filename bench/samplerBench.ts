import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicy } from '../src/core/augment/compile';
import { decodeImage } from '../src/core/io/decode';
import { parsePolicy } from '../src/core/policy/policy';
import { createRng } from '../src/core/rng';

/**
 * Milliseconds per augmented draw (`step.sample`) on kitten_224.png, the cost of one randomized-rule point or
 * Monte-Carlo sample, next to torchvision's per augmentation measured in the same run (bench/torchvisionSampler.py,
 * Debian's torchvision 0.14, tensor backend, torch's default threads). Run with
 * `node --import tsx bench/samplerBench.ts`; writes bench/results/sampler.json.
 */
const POLICIES: readonly { policy: string }[] = [
  { policy: 'Compose([RandomCrop(224, padding=8), RandomHorizontalFlip()])' },
  { policy: 'Compose([RandomResizedCrop(224), RandomHorizontalFlip()])' },
  { policy: 'Compose([RandomResizedCrop(224), RandomHorizontalFlip(), ColorJitter(0.4, 0.4, 0.4)])' },
  {
    policy: 'Compose([RandomCrop(224, padding=8), RandomHorizontalFlip(), RandomRotation(10, interpolation=InterpolationMode.BILINEAR), ColorJitter(0.2, 0.2)])',
  },
  { policy: 'GaussianBlur(23, sigma=(0.1, 2.0))' },
  { policy: 'GaussianBlur(5, sigma=(0.1, 2.0))' },
  { policy: 'RandomCrop(224, padding=8)' },
  { policy: "RandomCrop(224, padding=8, padding_mode='reflect')" },
  { policy: 'RandomGrayscale()' },
  { policy: 'RandomApply([ColorJitter(0.4, 0.4, 0.4, 0.1)])' },
];

/** Each timed run lasts about RUN_MS; the fastest of RUNS runs after a warm-up (the machine is shared). */
const RUN_MS = 300;
const RUNS = 7;

const KITTEN = join(__dirname, '..', '..', 'shared', 'fixtures', 'images', 'kitten_224.png');
const img = decodeImage(readFileSync(KITTEN), 'kitten_224.png');

/** torchvision's milliseconds per augmentation for the same policy, or null when it could not run. */
function torchvisionMs(policy: string): number | null {
  const run = spawnSync('/usr/bin/python3', [join(__dirname, 'torchvisionSampler.py'), '--image', KITTEN, '--policy', policy, '--cap-seconds', '3', '--cap-draws', '2000', '--self-draws', '0'], { encoding: 'utf8' });
  if (run.status !== 0) return null;
  return JSON.parse(run.stdout).msPerAugmentation ?? null;
}

const results = POLICIES.map(({ policy }) => {
  const step = compilePolicy(parsePolicy(policy), img);
  const rng = createRng(1);
  const run = (draws: number) => {
    const t = performance.now();
    for (let i = 0; i < draws; i++) step.sample(img, rng);
    return (performance.now() - t) / draws;
  };
  run(20);
  const draws = Math.max(10, Math.round(RUN_MS / run(20)));
  const ms = Math.min(...Array.from({ length: RUNS }, () => run(draws)));
  const tv = torchvisionMs(policy);
  return { policy, ms, draws, torchvisionMs: tv, ratio: tv ? ms / tv : null };
});

console.log(`${'ms/draw'.padStart(8)}  ${'torchvision'.padStart(11)}  ${'ratio'.padStart(6)}  policy`);
for (const r of results) {
  const tv = r.torchvisionMs === null ? ['', ''] : [r.torchvisionMs.toFixed(2), `${r.ratio!.toFixed(2)}x`];
  console.log(`${r.ms.toFixed(3).padStart(8)}  ${tv[0].padStart(11)}  ${tv[1].padStart(6)}  ${r.policy}`);
}
const outDir = join(__dirname, 'results');
mkdirSync(outDir, { recursive: true });
const meta = { date: new Date().toISOString(), node: process.version, image: `${img.channels}x${img.height}x${img.width}`, runs: RUNS };
writeFileSync(join(outDir, 'sampler.json'), JSON.stringify({ ...meta, results }, null, 2) + '\n');
