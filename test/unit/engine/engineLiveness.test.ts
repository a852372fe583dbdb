// The engine ends with its host, whatever the host dies of and whatever the engine is doing (issue 15, item 5), and a
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
import type { AnalyzeParams, EngineStage } from '../../../src/engine/protocol';
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
 * About 5 s on a 2-core machine, every stage in turn, the moments stage (1,250 crops and flips, 16 eigenpairs) being
 * 3-4 s of synchronous computation and Monte Carlo (a million draws from the evaluated outcomes) most of a second.
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

const STAGES: EngineStage[] = ['load', 'moments', 'model', 'analytic', 'monte-carlo'];

for (const stage of STAGES) {
  test(`host SIGKILLed during the '${stage}' stage: no engine alive 2 s later`, { skip, timeout: 30_000 }, async () => {
    const host = spawn(process.execPath, [parentPath, enginePath, JSON.stringify(params())], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: host.stdout! });
    let engine: number | undefined;
    for await (const line of lines) {
      assert.ok(!line.startsWith('finished') && !line.startsWith('failed'), `the analysis ended before the '${stage}' stage: ${line}`);
      if (line === `stage ${stage}`) {
        [engine] = engineChildren(host.pid!);
        host.kill('SIGKILL');
        break;
      }
    }
    lines.close();
    assert.ok(engine, 'the engine process was found under its host');
    const ms = await timeToExit(engine, 2000);
    if (ms === null) process.kill(engine, 'SIGKILL');
    assert.notEqual(ms, null, `engine ${engine} still alive 2 s after its host was killed during '${stage}'`);
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

test('seconds of synchronous computation are not taken for a hang: the heartbeat keeps coming', { skip, timeout: 30_000 }, async () => {
  const stageStart = new Map<string, number>();
  const result = await runAnalysis(enginePath, params(), {
    silenceLimitMs: 2000,
    onProgress: (stage) => void (stageStart.has(stage) || stageStart.set(stage, Date.now())),
  });
  const momentsMs = stageStart.get('model')! - stageStart.get('moments')!;
  assert.ok(momentsMs > 2000, `the moments stage took ${momentsMs} ms, longer than the silence limit`);
  assert.equal(result.report.images[0].moments.outcomes, 1250);
  assert.equal(liveEngineCount(), 0);
});
