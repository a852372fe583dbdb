import { readFileSync } from 'node:fs';
import { compilePolicy } from '../src/core/augment/compile';
import { pointMixture } from '../src/core/augment/mixture';
import { decodeImage } from '../src/core/io/decode';
import { covarianceEigen } from '../src/core/moments/covarianceEigen';
import { pixelMoments } from '../src/core/moments/pixelMoments';
import { relativeL2Error } from '../src/core/montecarlo/sampler';
import { RunningMoments } from '../src/core/montecarlo/runningMoments';
import type { TransformSpec } from '../src/core/policy/types';
import { createRng } from '../src/core/rng';

/**
 * The moments benchmark: exact mean and variance of RandomCrop(224, padding=8) + RandomHorizontalFlip() on a 224x224
 * photo against the Monte-Carlo sampler run until its variance map is within 1% relative L2 error, in one run,
 * and the time of the top-8 eigenpairs.
 */
export function momentsBench(photo: string, maxSamples: number) {
  const img = decodeImage(readFileSync(photo), photo);
  const policy: TransformSpec = {
    kind: 'Compose',
    transforms: [
      { kind: 'RandomCrop', size: [224, 224], padding: [8, 8, 8, 8], padIfNeeded: false, fill: 0, paddingMode: 'constant' },
      { kind: 'RandomHorizontalFlip', p: 0.5 },
    ],
  };
  const step = compilePolicy(policy, img);

  const exactTimes: number[] = [];
  let exact = pixelMoments(step.lift(pointMixture(img)));
  for (let rep = 0; rep < 5; rep++) {
    const t = performance.now();
    exact = pixelMoments(step.lift(pointMixture(img)));
    exactTimes.push(performance.now() - t);
  }
  const exactMs = median(exactTimes);

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const mixture = step.lift(pointMixture(img));
  const eigen = covarianceEigen(mixture, exact, { k: 8 });
  const eigenMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // CPU time of this (single-threaded) process: robust to other work on the machine.
  const eigenCpuMs = (cpu.user + cpu.system) / 1000;

  const rng = createRng(2022);
  const running = new RunningMoments(exact.mean.length);
  let sampleMs = 0;
  let varianceError = Infinity;
  const checkEvery = 250;
  while (running.count < maxSamples) {
    const t = performance.now();
    for (let i = 0; i < checkEvery; i++) running.add(step.sample(img, rng).data);
    sampleMs += performance.now() - t;
    varianceError = relativeL2Error(running.variance(), exact.variance);
    if (varianceError <= 0.01) break;
  }
  return {
    image: `${img.channels}x${img.height}x${img.width}`,
    outcomes: exact.outcomes,
    exactMeanVarianceMs: exactMs,
    monteCarlo: {
      samples: running.count,
      ms: sampleMs,
      varianceRelativeError: varianceError,
      meanRelativeError: relativeL2Error(running.mean, exact.mean),
      reachedTarget: varianceError <= 0.01,
    },
    speedup: sampleMs / exactMs,
    top8EigenMs: eigenMs,
    top8EigenCpuMs: eigenCpuMs,
    top8Eigenvalues: eigen.values,
    top8Explained: eigen.explained,
    eigenResidual: eigen.residual,
  };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
