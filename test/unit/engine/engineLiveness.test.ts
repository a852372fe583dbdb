// The engine ends with its host, whatever the host dies of and whatever the engine is doing, and a
// host notices an engine that stopped. Linux only: processes are inspected through /proc.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { build, type BuildOptions } from 'esbuild';
import { runAnalysis, liveEngineCount } from '../../../src/engine/client';
import { defaults } from '../../../src/cli/args';
import type { AnalyzeParams, EngineStage } from '../../../src/engine/contract/requests';
import { FIXTURES, fixturesMissing } from '../model/fixtures';

const root = resolve(__dirname, '../../..');
const outDir = join(root, 'out', 'test-liveness');
const enginePath = join(outDir, 'engine.js');
const parentPath = join(outDir, 'parent.js');
const skip = process.platform !== 'linux' ? 'needs /proc (Linux)' : fixturesMissing;

before(async () => {
  if (skip) return;
  const common: BuildOptions = { bundle: true, platform: 'node', format: 'cjs', external: ['onnxruntime-node'], logLevel: 'silent' };
  await build({ ...common, entryPoints: [join(root, 'src/engine/main.ts')], outfile: enginePath });
  await build({ ...common, entryPoints: [join(__dirname, 'livenessParent.ts')], outfile: parentPath });
});

/**
 * About 5 s on a 2-core machine through every stage, the moments stage (1,250 crops and flips, 16 eigenpairs) and
 * Monte Carlo (a million draws from the evaluated outcomes) running for a second or more without yielding.
 */
const params = (): AnalyzeParams => ({
  ...defaults([join(FIXTURES, 'images', 'kitten_224.png')], 'RandomCrop(32, padding=12); RandomHorizontalFlip()'),
  size: [32, 32],
  topK: 16,
  modelPath: join(FIXTURES, 'models', 'cifar10-tutorial.onnx'),
  monteCarloSamples: 1_000_000,
});

/** Alive and not a zombie (a dead engine re-parented to an init that does not reap stays a zombie). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function engineChildren(parentPid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parentPid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there is no child
  }
  return out
    .split('\n')
    .filter((l) => l.includes(enginePath))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** Milliseconds until `pid` is gone, or null if it is still alive after `limitMs`. */
async function timeToExit(pid: number, limitMs: number): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start <= limitMs) {
    if (!alive(pid)) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  return null;
}

/**
 * Moments only, crop + flip + rotation + jitter on a 224 photo: the exact moments of the first three steps (the
 * randomized rule's control variates) are about 7 s without a message on 2 cores; the engine before its worker
 * thread outlived a killed host by 15 s here.
 */
const silentParams = (): AnalyzeParams => ({
  ...defaults(
    [join(FIXTURES, 'images', 'kitten_224.png')],
    'Compose([RandomCrop(224, padding=8), RandomHorizontalFlip(), RandomRotation(10, interpolation=InterpolationMode.BILINEAR), ColorJitter(0.2, 0.2)])',
  ),
  topK: 1,
  maxDraws: 64,
});

const cases: { name: string; stage: EngineStage; params: () => AnalyzeParams; delayMs: number }[] = [
  ...(['load', 'moments', 'model', 'analytic', 'monte-carlo'] as const).map((stage) => ({ name: `the '${stage}' stage`, stage, params, delayMs: 0 })),
  { name: 'seconds of silent computation', stage: 'moments', params: silentParams, delayMs: 1000 },
];

for (const { name, stage, params: makeParams, delayMs } of cases) {
  test(`host SIGKILLed during ${name}: no engine alive 2 s later`, { skip, timeout: 30_000 }, async () => {
    const host = spawn(process.execPath, [parentPath, enginePath, JSON.stringify(makeParams())], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: host.stdout! });
    let engine: number | undefined;
    for await (const line of lines) {
      assert.ok(!line.startsWith('finished') && !line.startsWith('failed'), `the analysis ended before the '${stage}' stage: ${line}`);
      if (line === `stage ${stage}`) {
        [engine] = engineChildren(host.pid!);
        await new Promise((r) => setTimeout(r, delayMs));
        host.kill('SIGKILL');
        break;
      }
    }
    lines.close();
    assert.ok(engine, 'the engine process was found under its host');
    const ms = await timeToExit(engine, 2000);
    if (ms === null) process.kill(engine, 'SIGKILL');
    assert.notEqual(ms, null, `engine ${engine} still alive 2 s after its host was killed during ${name}`);
  });
}

test('a stopped engine is noticed by the missing heartbeat, reported and killed', { skip, timeout: 30_000 }, async () => {
  let engine: number | undefined;
  let stoppedAt = 0;
  const run = runAnalysis(enginePath, params(), {
    silenceLimitMs: 2000,
    onProgress: (stage) => {
      if (stage !== 'moments' || engine) return;
      [engine] = engineChildren(process.pid);
      process.kill(engine, 'SIGSTOP');
      stoppedAt = Date.now();
    },
  });
  await assert.rejects(run, /the analysis engine stopped responding/);
  const noticedAfter = Date.now() - stoppedAt;
  assert.ok(engine, 'the engine was stopped');
  assert.ok(noticedAfter >= 1500 && noticedAfter < 4000, `noticed ${noticedAfter} ms after the stop (limit 2000 ms)`);
  assert.equal(liveEngineCount(), 0);
  assert.notEqual(await timeToExit(engine, 2000), null, 'the stopped engine was killed');
});

test('seconds of silent computation are not taken for a hang: the heartbeat keeps coming', { skip, timeout: 60_000 }, async () => {
  const silenceLimitMs = 2000;
  let last = Date.now();
  let longestQuiet = 0;
  const heard = () => {
    longestQuiet = Math.max(longestQuiet, Date.now() - last);
    last = Date.now();
  };
  const result = await runAnalysis(enginePath, silentParams(), { silenceLimitMs, onProgress: heard, onPartial: heard });
  heard();
  assert.equal(result.arrays[0].mean.length, 3 * 224 * 224);
  assert.ok(longestQuiet > silenceLimitMs, `the engine computed ${longestQuiet} ms without a message besides its heartbeat`);
  assert.equal(liveEngineCount(), 0);
});

test('a host whose own event loop stalls past the silence limit does not blame the engine', { skip, timeout: 30_000 }, async () => {
  let stalled = false;
  const result = await runAnalysis(enginePath, params(), {
    silenceLimitMs: 1500,
    onProgress: (stage) => {
      if (stage !== 'moments' || stalled) return;
      stalled = true;
      const start = Date.now();
      while (Date.now() - start < 4000); // the host busy for 4 s: the engine's beats wait unread
    },
  });
  assert.ok(stalled);
  assert.equal(result.report.images[0].moments.outcomes, 1250);
});
