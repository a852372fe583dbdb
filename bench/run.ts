import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { momentsBench } from './momentsBench';

/** Runs the benchmarks and writes bench/results/<name>.json. Numbers are wall-clock on this machine, one thread. */
const fixtures = join(__dirname, '..', '..', 'shared', 'fixtures');
const outDir = join(__dirname, 'results');
mkdirSync(outDir, { recursive: true });
const only = process.argv[2];

if (!only || only === 'moments') {
  const photo = join(fixtures, 'images', 'kitten_224.png');
  if (!existsSync(photo)) {
    console.log(`skipped moments benchmark: ${photo} is absent`);
  } else {
    const r = momentsBench(photo, 200000);
    writeFileSync(join(outDir, 'moments.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, ...r }, null, 2));
    console.log(
      `moments: exact mean+variance ${r.exactMeanVarianceMs.toFixed(1)} ms; Monte Carlo ${r.monteCarlo.samples} samples ` +
        `${(r.monteCarlo.ms / 1000).toFixed(2)} s to ${(100 * r.monteCarlo.varianceRelativeError).toFixed(2)}% variance error; ` +
        `ratio ${r.speedup.toFixed(0)}x; top-8 eigenpairs ${(r.top8EigenMs / 1000).toFixed(2)} s`,
    );
  }
}
