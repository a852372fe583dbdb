import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { createImage, type Image } from '../src/core/image';
import { decodeImage } from '../src/core/io/decode';
import { imageToPng } from '../src/core/io/encode';
import { createRng } from '../src/core/rng';
import type { DatasetReport } from '../src/engine/contract/datasetReport';

const CIFAR_CLASSES = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const PHOTOS = ['astronaut.png', 'chelsea.png', 'coffee.png', 'kitten_224.png'];
const POLICY = 'RandomCrop(32, padding=4); RandomHorizontalFlip()';

/** A 32x32 window of a photo at a random corner. */
function window(photo: Image, rng: { next(): number }): Image {
  const y0 = Math.floor(rng.next() * (photo.height - 32));
  const x0 = Math.floor(rng.next() * (photo.width - 32));
  const out = createImage(3, 32, 32);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out.data[(c * 32 + y) * 32 + x] = photo.data[(c * photo.height + y0 + y) * photo.width + x0 + x];
  }
  return out;
}

/** An ImageFolder of `count` CIFAR-size PNGs (random windows of the fixture photos), ten class folders. */
function cifarFolder(fixtures: string, root: string, count: number): void {
  const photos = PHOTOS.map((name) => decodeImage(readFileSync(join(fixtures, 'images', name)), name));
  const rng = createRng(12);
  for (const name of CIFAR_CLASSES) mkdirSync(join(root, name), { recursive: true });
  for (let i = 0; i < count; i++) {
    const file = join(root, CIFAR_CLASSES[i % 10], `${String(i).padStart(4, '0')}.png`);
    writeFileSync(file, imageToPng(window(photos[i % photos.length], rng)));
  }
}

/**
 * CPU seconds of this process's finished children and their descendants (Linux /proc/self/stat cutime + cstime):
 * each CLI waits for its engine, this process for each CLI, so the engines' time is in it.
 */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  return (Number(fields[13]) + Number(fields[14])) / ticks;
}

function runCli(cli: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`auglens ${args[0]} exited ${code}: ${stderr}`))));
  });
}

/**
 * Images per second of a dataset run (the whole CLI: engine start, model load, per-image analysis, results.jsonl and
 * dataset.json) on `count` CIFAR-size images with the CIFAR model and crop + flip (162 outcomes, exact), one
 * onnxruntime thread per process: one process on the whole folder, then two shards in parallel (one per core) and
 * their merge. The merged numbers are checked against the single run's.
 */
export async function datasetBench(fixtures: string, count = 200) {
  const work = mkdtempSync(join(tmpdir(), 'auglens-dataset-bench-'));
  try {
    const common: BuildOptions = { bundle: true, platform: 'node', format: 'cjs', external: ['onnxruntime-node'], logLevel: 'silent' };
    // Bundled inside the project, where onnxruntime-node (kept external) resolves.
    const bundles = join(__dirname, '..', 'out', 'bench-dataset');
    const cli = join(bundles, 'cli.js');
    await build({ ...common, entryPoints: [join(__dirname, '../src/cli/main.ts')], outfile: cli });
    await build({ ...common, entryPoints: [join(__dirname, '../src/engine/main.ts')], outfile: join(bundles, 'engine.js') });
    const root = join(work, 'cifar');
    cifarFolder(fixtures, root, count);
    const args = (out: string, ...extra: string[]) => [
      'analyze', '--model', join(fixtures, 'models', 'cifar10-tutorial.onnx'), '--image', root, '--policy', POLICY,
      '--preprocess', 'cifar', '--threads', '1', '--out', join(work, out), ...extra,
    ];
    const load = loadavg()[0];
    let t = performance.now();
    let cpu = childCpuSeconds();
    await runCli(cli, args('single'));
    const singleS = (performance.now() - t) / 1000;
    const singleCpu = childCpuSeconds() - cpu;
    t = performance.now();
    cpu = childCpuSeconds();
    await Promise.all([0, 1].map((i) => runCli(cli, args(`shard${i}`, '--shard', `${i}/2`))));
    const shardsS = (performance.now() - t) / 1000;
    const shardsCpu = childCpuSeconds() - cpu;
    t = performance.now();
    await runCli(cli, ['merge', join(work, 'shard0'), join(work, 'shard1'), '--out', join(work, 'merged')]);
    const mergeS = (performance.now() - t) / 1000;
    const report = (name: string): DatasetReport => JSON.parse(readFileSync(join(work, name, 'dataset.json'), 'utf8'));
    const single = report('single');
    const merged = report('merged');
    const same = JSON.stringify([single.aggregate, single.classes, single.worst]) === JSON.stringify([merged.aggregate, merged.classes, merged.worst]);
    const shardImages = [0, 1].map((i) => report(`shard${i}`).images.analysed);
    return {
      images: count,
      policy: POLICY,
      model: 'cifar10-tutorial.onnx',
      threadsPerProcess: 1,
      cores: availableParallelism(),
      /** The machine's 1-minute load average when the benchmark started (other users' work shares the cores). */
      loadAverage: load,
      oneProcess: { seconds: singleS, imagesPerSecond: count / singleS, cpuSeconds: singleCpu, coresUsed: singleCpu / singleS },
      twoShards: { seconds: shardsS, imagesPerSecond: count / shardsS, imagesPerShard: shardImages, cpuSeconds: shardsCpu, coresUsed: shardsCpu / shardsS },
      scaling: singleS / shardsS,
      mergeSeconds: mergeS,
      mergedEqualsSingle: same,
      meanExpectedLoss: single.aggregate?.expectedLoss.mean ?? null,
      meanFlipRate: single.aggregate?.flipRate.mean ?? null,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function describeDatasetBench(r: Awaited<ReturnType<typeof datasetBench>>): string {
  return (
    `dataset: ${r.images} CIFAR-size images, ${r.policy}: one process ${r.oneProcess.imagesPerSecond.toFixed(1)} images/s ` +
    `(${r.oneProcess.seconds.toFixed(1)} s, ${r.oneProcess.coresUsed.toFixed(2)} cores busy); two shards in parallel ` +
    `${r.twoShards.imagesPerSecond.toFixed(1)} images/s (${r.twoShards.seconds.toFixed(1)} s, ${r.twoShards.imagesPerShard.join(' + ')} images, ` +
    `${r.twoShards.coresUsed.toFixed(2)} cores busy): scaling ${r.scaling.toFixed(2)}x on ${r.cores} cores at load ${r.loadAverage.toFixed(1)}; merge ${r.mergeSeconds.toFixed(2)} s, merged numbers ${r.mergedEqualsSingle ? 'equal' : 'DIFFER from'} the single run's`
  );
}
