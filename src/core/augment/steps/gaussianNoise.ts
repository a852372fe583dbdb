import { createImage, type Image } from '../../image';
import { addWindowSums } from '../../moments/canvasSum';
import { lawOfMoments, type PixelLaw } from '../../moments/pixelLaw';
import type { GaussianNoiseSpec } from '../../policy/types';
import { clampedNormalMoments } from '../../quadrature/normal';
import { createRng, type Rng } from '../../rng';
import type { CompileOptions } from '../compileOptions';
import { canvasShapeOf, lazyFamily } from '../lazyFamily';
import type { Mixture, Shape } from '../mixture';
import type { Step } from '../step';

/**
 * torchvision v2's GaussianNoise(mean, sigma, clip): out = x + (mean + sigma Z) with Z standard normal per value, then
 * clamped to [0, 1] when clip. Given the input, the pixels are independent with a conditional mean and variance in
 * closed form (clampedNormalMoments), so per-pixel moments are exact, and the covariance is that of the conditional
 * means plus a diagonal (`noise`). The noise has as many dimensions as pixels: no quadrature rule exists, and the
 * outcome set the model evaluates holds seeded noise draws (Monte Carlo, said so in its rule).
 */
export function gaussianNoiseStep(spec: GaussianNoiseSpec, input: Shape, label: string, opts: CompileOptions): Step {
  const { mean, sigma, clip } = spec;
  const draws = 8 * 2 ** opts.level;
  const conditional = (x: number): [number, number] => {
    if (sigma === 0) {
      const y = clip ? Math.min(1, Math.max(0, x + mean)) : x + mean;
      return [y, y * y];
    }
    if (!clip) return [x + mean, (x + mean) ** 2 + sigma * sigma];
    return clampedNormalMoments(x + mean, sigma);
  };
  const conditionalMoments = (img: Image) => {
    const e1 = new Float64Array(img.data.length);
    const e2 = new Float64Array(img.data.length);
    img.data.forEach((x, i) => ([e1[i], e2[i]] = conditional(x)));
    return { e1, e2 };
  };
  const noisy = (img: Image, rng: Rng) => {
    const out = createImage(img.channels, img.height, img.width);
    for (let i = 0; i < img.data.length; i += 2) {
      // Box-Muller: two independent standard normals from two uniforms.
      const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
      const t = 2 * Math.PI * rng.next();
      for (const [j, z] of [[i, r * Math.cos(t)], [i + 1, r * Math.sin(t)]] as const) {
        if (j >= img.data.length) break;
        const y = img.data[j] + mean + sigma * z;
        out.data[j] = clip ? Math.min(1, Math.max(0, y)) : y;
      }
    }
    return out;
  };
  return {
    label,
    inputShape: input,
    outputShape: input,
    affine: !clip,
    varianceGain: clip ? undefined : 1,
    quadrature: {
      rule: `Monte Carlo: ${draws} seeded noise draws per outcome (per-pixel moments and eigenpairs are exact instead)`,
      nodes: draws,
      linear: false,
      exactPixels: true,
    },
    noise: {
      mean: (img) => mapPixels(img, (x) => conditional(x)[0]),
      moments: (img) => conditionalMoments(img),
    },
    sample: noisy,
    enumerate: (img) => Array.from({ length: draws }, (_, k) => ({ weight: 1 / draws, image: noisy(img, createRng(1000 + k)) })),
    lift: (m: Mixture): Mixture => ({
      shape: m.shape,
      families: m.families.flatMap((f) =>
        Array.from({ length: draws }, (_, k) => lazyFamily(f.weight / draws, () => noisy(f.base, createRng(1000 + k)), canvasShapeOf(f), f.offsets)),
      ),
    }),
    pixelLaw: (law: PixelLaw): PixelLaw | null => {
      if (!clip) {
        const e1 = law.mean.map((v) => v + mean);
        const e2 = law.second.map((s, i) => s + 2 * mean * law.mean[i] + mean * mean + sigma * sigma);
        return lawOfMoments(law.shape, e1, e2);
      }
      return law.mixture ? conditionalLaw(law.mixture, conditionalMoments) : null;
    },
  };
}

/** The exact per-pixel law after independent noise on each pixel of every outcome: window sums of the conditional moments. */
function conditionalLaw(m: Mixture, moments: (img: Image) => { e1: Float64Array; e2: Float64Array }): PixelLaw {
  const size = m.shape.channels * m.shape.height * m.shape.width;
  const e1 = new Float64Array(size);
  const e2 = new Float64Array(size);
  for (const f of m.families) {
    const base = f.base;
    const c = moments(base);
    addWindowSums(e1, c.e1, base.height, base.width, f.offsets, f.weight, m.shape);
    addWindowSums(e2, c.e2, base.height, base.width, f.offsets, f.weight, m.shape);
  }
  return lawOfMoments(m.shape, e1, e2);
}

function mapPixels(img: Image, f: (x: number) => number): Image {
  return createImage(img.channels, img.height, img.width, Float32Array.from(img.data, f));
}
