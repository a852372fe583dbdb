import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetBench, describeDatasetBench } from './datasetBench';
import { momentsBench } from './momentsBench';
import { modelBench } from './modelBench';
import { describeGradientBench, gradientBench } from './gradientBench';
import { describeParameterBench, parameterBench } from './parameterBench';
import { describeSeedsBench, seedsBench } from './seedsBench';
import { describeSuite, parseSuiteArgs, suiteBench } from './suite';

/**
 * Runs the benchmarks named on the command line (default: all) and writes bench/results/<name>.json.
 * Wall-clock numbers on this machine; onnxruntime with one intra-op thread.
 */
const fixtures = join(__dirname, '..', '..', 'shared', 'fixtures');
const outDir = join(__dirname, 'results');
// Benchmark names come first; options after them (`suite --only cifar,blur --quick`) go to the suite.
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('--'));
const wanted = new Set(firstOption < 0 ? args : args.slice(0, firstOption));
const options = firstOption < 0 ? [] : args.slice(firstOption);
const run = (name: string) => wanted.size === 0 || wanted.has(name);

function save(name: string, result: object): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${name}.json`), JSON.stringify({ date: new Date().toISOString(), node: process.version, ...result }, null, 2) + '\n');
}

async function main() {
  if (!existsSync(fixtures)) {
    console.log(`benchmarks skipped: ${fixtures} is absent`);
    return;
  }
  if (run('moments')) {
    const r = momentsBench(join(fixtures, 'images', 'kitten_224.png'), 200000);
    save('moments', r);
    console.log(
      `moments: exact mean+variance ${r.exactMeanVarianceMs.toFixed(1)} ms; Monte Carlo ${r.monteCarlo.samples} samples ` +
        `${(r.monteCarlo.ms / 1000).toFixed(2)} s to ${(100 * r.monteCarlo.varianceRelativeError).toFixed(2)}% variance error; ` +
        `ratio ${r.speedup.toFixed(0)}x; top-8 eigenpairs ${(r.top8EigenMs / 1000).toFixed(2)} s wall, ${(r.top8EigenCpuMs / 1000).toFixed(2)} s CPU`,
    );
  }
  if (run('model')) {
    const r = await modelBench(fixtures);
    save('model', r);
    const s = r.squeezenet;
    console.log(
      `model: squeezenet exact ${s.exactForwardPasses} passes in ${(s.exactWallMs / 1000).toFixed(2)} s; Monte Carlo needs ` +
        `${s.monteCarloForwardPassesFor1Percent} passes for 1% (ratio ${s.forwardPassRatio.toFixed(0)}x); cifar10 ` +
        `${r.throughput.cifar10.imagesPerSecondBatched?.toFixed(0)} img/s batched vs ${r.throughput.cifar10.imagesPerSecondOneByOne.toFixed(0)} one by one`,
    );
  }
  if (run('gradient')) await gradient();
  if (run('parameters')) {
    const results = await parameterBench(fixtures);
    save('parameters', { results });
    console.log(describeParameterBench(results));
  }
  if (run('dataset')) {
    const r = await datasetBench(fixtures);
    save('dataset', r);
    console.log(describeDatasetBench(r));
  }
  if (run('seeds')) {
    const r = await seedsBench(fixtures);
    save('seeds', r);
    console.log(describeSeedsBench(r));
  }
  if (run('suite')) {
    const r = await suiteBench(parseSuiteArgs(options));
    save('suite', r);
    console.log(describeSuite(r));
  }
}

async function gradient() {
  const results = await gradientBench(fixtures);
  save('gradient', { results });
  console.log(describeGradientBench(results));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
