import type { Image } from '../../image';
import { outcomes, type Mixture, type Shape } from '../mixture';
import type { PixelLaw } from '../../moments/pixelLaw';
import type { GaussianBlurSpec } from '../../policy/types';
import { gaussLegendre } from '../../quadrature/gaussLegendre';
import type { Rng } from '../../rng';
import { uniform } from '../../rng';
import { blurGain, gaussianBlur, gaussianBlur64 } from '../blur';
import type { CompileOptions } from '../compileOptions';
import { lazyFamily } from '../lazyFamily';
import { windowOf } from '../mixture';
import type { Step } from '../step';

/** Largest count of blurred pixels the exact per-pixel route spends (outcomes x Gauss nodes x pixels). */
const EXACT_BUDGET = 4e8;

/**
 * GaussianBlur(kernel_size, sigma): sigma ~ U(min, max), reflect padding. For a fixed sigma the blur is linear; in
 * sigma every pixel is analytic (no kinks), so Gauss-Legendre converges exponentially (docs/math.md, section 3): the
 * outcome set uses 4 * 2^level nodes, and the per-pixel route doubles the nodes until nothing changes at machine
 * precision. Reflect padding does not commute with windows, so every input outcome is blurred on its own.
 */
export function gaussianBlurStep(spec: GaussianBlurSpec, input: Shape, label: string, opts: CompileOptions): Step {
  const [kx, ky] = spec.kernelSize;
  if ((kx - 1) / 2 >= input.width || (ky - 1) / 2 >= input.height) {
    throw new Error(`${label}: kernel ${kx}x${ky} needs reflect padding of ${(kx - 1) / 2}x${(ky - 1) / 2}, which must be smaller than the ${input.height}x${input.width} image`);
  }
  const [lo, hi] = spec.sigma;
  const nodes = sigmaNodes(lo, hi, 4 * 2 ** opts.level);
  const blur = (img: Image, sigma: number) => gaussianBlur(img, spec.kernelSize, sigma);
  return {
    label,
    inputShape: input,
    outputShape: input,
    affine: true,
    quadrature: {
      rule: lo === hi ? 'fixed sigma' : `Gauss-Legendre, ${nodes.length} points in sigma`,
      nodes: nodes.length,
      linear: true,
      exactPixels: true,
    },
    varianceGain: Math.max(...nodes.map((n) => blurGain(spec.kernelSize, n.sigma, input.height, input.width))),
    sample: (img: Image, rng: Rng) => blur(img, uniform(rng, lo, hi)),
    enumerate: (img: Image) => nodes.map((n) => ({ weight: n.weight, image: blur(img, n.sigma) })),
    lift: (m: Mixture): Mixture => ({
      shape: m.shape,
      families: m.families.flatMap((f) =>
        Array.from(f.offsets.p, (p, k) => ({ k, w: f.weight * p }))
          .filter((o) => o.w > 0)
          .flatMap(({ k, w }) => nodes.map((n) => lazyFamily(w * n.weight, () => blur(windowOf(f, k, m.shape), n.sigma), m.shape))),
      ),
    }),
    pixelLaw: (law: PixelLaw): PixelLaw | null => {
      const m = law.mixture;
      if (!m) return null;
      const size = input.channels * input.height * input.width;
      const count = m.families.reduce((s, f) => s + f.offsets.p.length, 0);
      let previous: { mean: Float64Array; second: Float64Array } | null = null;
      for (let n = lo === hi ? 1 : 8; n <= 128 && count * n * size <= EXACT_BUDGET; n *= 2) {
        const current = blurMoments(m, sigmaNodes(lo, hi, n), (img, sigma) => gaussianBlur64(img, spec.kernelSize, sigma));
        if (lo === hi || (previous && converged(previous, current))) return { shape: input, mixture: null, ...current };
        previous = current;
      }
      return null;
    },
  };
}

function sigmaNodes(lo: number, hi: number, n: number): { sigma: number; weight: number }[] {
  if (lo === hi) return [{ sigma: lo, weight: 1 }];
  const gl = gaussLegendre(n);
  return Array.from(gl.nodes, (x, i) => ({ sigma: lo + ((hi - lo) * (x + 1)) / 2, weight: gl.weights[i] / 2 }));
}

function blurMoments(m: Mixture, nodes: { sigma: number; weight: number }[], blur: (img: Image, sigma: number) => Float64Array) {
  const size = m.shape.channels * m.shape.height * m.shape.width;
  const mean = new Float64Array(size);
  const second = new Float64Array(size);
  for (const o of outcomes(m)) {
    for (const n of nodes) {
      const y = blur(o.image, n.sigma);
      const a = o.weight * n.weight;
      for (let i = 0; i < size; i++) {
        mean[i] += a * y[i];
        second[i] += a * y[i] * y[i];
      }
    }
  }
  return { mean, second };
}

/** No pixel moved by more than a few ulps of the largest second moment between two rule sizes. */
function converged(a: { mean: Float64Array; second: Float64Array }, b: { mean: Float64Array; second: Float64Array }): boolean {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.second.length; i++) {
    scale = Math.max(scale, Math.abs(b.second[i]), Math.abs(b.mean[i]));
    diff = Math.max(diff, Math.abs(a.second[i] - b.second[i]), Math.abs(a.mean[i] - b.mean[i]));
  }
  return diff <= 1e-12 * Math.max(scale, 1e-300);
}
