import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpyFloat32 } from '../../../../src/core/io/npy';
import { imageMoments } from '../../../../src/core/moments/imageMoments';
import { parsePolicy } from '../../../../src/core/policy';
import type { Image } from '../../../../src/core/image';
import { torchvisionOracle } from '../io/python';
import { randomImage } from './bruteForce';

/**
 * Differential test against torchvision itself (Debian python3-torchvision: torch 1.13, torchvision 0.14, tensor
 * backend): test/oracle/sample_torchvision.py draws N augmented images per policy and returns the per-pixel sample
 * mean, variance and fourth central moment; every pixel's mean and variance must lie within 5.5 standard errors of
 * AugLens's moments (plus, for policies integrated by quadrature, a few times the reported quadrature error).
 * The policy texts are both Python for torchvision and AugLens's policy syntax. torchvision 0.14 does not antialias
 * tensor resizes by default, so RandomResizedCrop passes antialias=True, AugLens's (and torchvision >= 0.17's) default.
 */
const SAMPLES = 4000;
const oracle = torchvisionOracle();

const small = randomImage(3, 16, 18, 31);
const large = randomImage(3, 40, 44, 32);
const cases: [string, Image][] = [
  ['T.RandomRotation((-5, 30), fill=0.2)', small],
  ['T.RandomRotation(20, interpolation=T.InterpolationMode.BILINEAR, center=(5, 4), fill=(0.1, 0.5, 0.9))', small],
  ['T.RandomAffine(degrees=(-10, 15), translate=(0.2, 0.1), fill=0.5)', small],
  ['T.RandomAffine(degrees=10, scale=(0.8, 1.2), shear=(-10, 10, -5, 5), interpolation=T.InterpolationMode.BILINEAR)', small],
  ['T.ColorJitter(brightness=0.6)', small],
  ['T.ColorJitter(contrast=0.6)', small],
  ['T.ColorJitter(saturation=0.8)', small],
  ['T.ColorJitter(hue=0.3)', small],
  ['T.ColorJitter(0.4, 0.4, 0.4, 0.1)', small],
  ['T.GaussianBlur(5, (0.1, 2.0))', small],
  ['T.RandomGrayscale(0.3)', small],
  ['T.GaussianNoise(0.05, 0.2)', small],
  ['T.RandomErasing(0.7, value=(0.1, 0.5, 0.9))', small],
  ["T.RandomErasing(1, scale=(0.1, 0.4), value='random')", small],
  ['T.Compose([T.RandomCrop(16, padding=2), T.RandomHorizontalFlip(), T.RandomRotation(10)])', small],
  ['T.RandomResizedCrop(12, antialias=True)', large],
  ['T.Compose([T.RandomResizedCrop(12, antialias=True), T.RandomHorizontalFlip(), T.ColorJitter(0.4, 0.4, 0.4, 0.1)])', large],
];

test('per-pixel moments agree with a large sampling run of torchvision', { skip: oracle.skip }, async () => {
  const python = oracle.python();
  const dir = mkdtempSync(join(tmpdir(), 'auglens-oracle-'));
  try {
    const images = [small, large];
    images.forEach((img, i) => writeFileSync(join(dir, `image${i}.npy`), encodeNpyFloat32(img.data, [img.channels, img.height, img.width])));
    const script = join(__dirname, '..', '..', '..', 'oracle', 'sample_torchvision.py');
    for (const [i, img] of images.entries()) {
      const policies = cases.filter(([, im]) => im === img).map(([text]) => text);
      writeFileSync(join(dir, `job${i}.json`), JSON.stringify({ image: join(dir, `image${i}.npy`), samples: SAMPLES, seed: 5 + i, policies }));
      const out = join(dir, `out${i}`);
      spawnSync('mkdir', [out]);
      const run = spawnSync(python, [script, join(dir, `job${i}.json`), out], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
    }
    const failures: string[] = [];
    for (const [i, img] of images.entries()) {
      for (const [j, [text]] of cases.filter(([, im]) => im === img).entries()) {
        const read = (name: string) => decodeNpy(readFileSync(join(dir, `out${i}`, `${j}_${name}.npy`))).data;
        const [mcMean, mcVar, mcM4] = [read('mean'), read('var'), read('m4')];
        const m = await imageMoments(img, parsePolicy(text), { topK: 0, tolerance: 0.002, maxDraws: 65536 });
        const q = m.quadrature;
        const rms = (v: ArrayLike<number>) => Math.sqrt(Array.from(v, (x) => x * x).reduce((a, b) => a + b, 0) / v.length);
        const quadMean = q && q.pixelMethod === 'randomized' ? 4 * q.meanError! * rms(m.pixel.mean) : 0;
        const quadVar = q && q.pixelMethod === 'randomized' ? 4 * q.varianceError! * rms(m.pixel.variance) : 0;
        let worstMean = 0;
        let worstVar = 0;
        for (let p = 0; p < m.pixel.mean.length; p++) {
          const seMean = Math.sqrt(m.pixel.variance[p] / SAMPLES);
          const seVar = Math.sqrt(Math.max(mcM4[p] - mcVar[p] ** 2, 0) / SAMPLES);
          worstMean = Math.max(worstMean, Math.abs(mcMean[p] - m.pixel.mean[p]) / (5.5 * seMean + quadMean + 1e-5));
          worstVar = Math.max(worstVar, Math.abs(mcVar[p] - m.pixel.variance[p]) / (5.5 * seVar + quadVar + 1e-5));
        }
        if (worstMean > 1 || worstVar > 1) failures.push(`${text}: mean ${worstMean.toFixed(2)}, variance ${worstVar.toFixed(2)} of the allowed deviation`);
      }
    }
    assert.deepEqual(failures, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
