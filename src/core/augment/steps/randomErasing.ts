import { createImage, type Image } from '../../image';
import { lawOfMoments, type PixelLaw } from '../../moments/pixelLaw';
import type { RandomErasingSpec } from '../../policy/types';
import { latticeRule } from '../../quadrature/lattice';
import { createRng, type Rng } from '../../rng';
import type { CompileOptions } from '../compileOptions';
import { lazyFamily } from '../lazyFamily';
import { windowOf, type Mixture, type Shape } from '../mixture';
import { attemptLaw } from '../resizedCropLaw';
import type { Step } from '../step';

interface Erase {
  readonly h: number;
  readonly w: number;
  readonly p: number;
}

/**
 * RandomErasing(p, scale, ratio, value): with probability p, up to ten attempts draw an area fraction and a log
 * aspect ratio, h = round(sqrt(area e^r)), w = round(sqrt(area / e^r)), accepted if h < H and w < W; the rectangle at a
 * uniform integer corner is set to the value (a constant per channel, or standard normal noise for 'random');
 * after ten rejections the image is returned unchanged. The (h, w) law is exact (the same band integrals as
 * RandomResizedCrop), and the mask does not depend on the image, so each pixel is erased with a probability
 * pi(y, x) = sum P(h, w) rows(y, h) cols(x, w) / positions: E[out] = (1 - pi) E[x] + pi v and
 * E[out^2] = (1 - pi) E[x^2] + pi E[v^2], exact from the input's per-pixel moments. The outcome set is a rank-1
 * lattice rule over (rectangle by its exact law, corner row, corner column), with seeded noise draws for 'random'.
 */
export function randomErasingStep(spec: RandomErasingSpec, input: Shape, label: string, opts: CompileOptions): Step {
  const { channels, height: H, width: W } = input;
  const values = spec.value === 'random' ? null : Float64Array.from(typeof spec.value === 'number' ? [spec.value] : spec.value);
  if (values && values.length !== 1 && values.length !== channels) {
    throw new Error(`${label}: value has ${values.length} numbers but the image has ${channels} channel(s)`);
  }
  const valueAt = (c: number) => (values ? values[values.length === 1 ? 0 : c] : 0);
  const single = attemptLaw(H * W, spec.scale, spec.ratio, [0, H - 1], [0, W - 1]).map((s) => ({ h: s.a, w: s.b, p: s.p }));
  const q = single.reduce((s, e) => s + e.p, 0);
  const accepted = q > 0 ? 1 - (1 - q) ** 10 : 0;
  // Atoms: no erase (probability 1 - p, plus p times ten rejections), then each rectangle size.
  const atoms: Erase[] = [{ h: 0, w: 0, p: 1 - spec.p * accepted }, ...single.map((e) => ({ ...e, p: (spec.p * accepted * e.p) / q }))];
  const cumulative = new Float64Array(atoms.length);
  atoms.reduce((s, a, i) => (cumulative[i] = s + a.p), 0);
  const erase = (img: Image, a: Erase, top: number, left: number, rng: Rng | null) => {
    if (a.h === 0 || a.w === 0) return img;
    const out = createImage(img.channels, img.height, img.width, img.data.slice());
    for (let c = 0; c < channels; c++) {
      for (let y = top; y < top + a.h; y++) {
        for (let x = left; x < left + a.w; x++) out.data[(c * H + y) * W + x] = rng ? normal(rng) : valueAt(c);
      }
    }
    return out;
  };
  const at = (img: Image, u0: number, u1: number, u2: number, rng: Rng | null) => {
    let i = 0;
    while (i < atoms.length - 1 && cumulative[i] <= u0 * cumulative[atoms.length - 1]) i++;
    const a = atoms[i];
    return erase(img, a, Math.floor(u1 * (H - a.h + 1)), Math.floor(u2 * (W - a.w + 1)), rng);
  };
  const rule = latticeRule(64 * 2 ** opts.level);
  const point = (img: Image, k: number) => at(img, rule.coordinate(k, 0), rule.coordinate(k, 1), rule.coordinate(k, 2), values ? null : createRng(2000 + k));
  const erased = erasedProbability(atoms, H, W);
  return {
    label,
    inputShape: input,
    outputShape: input,
    affine: true,
    varianceGain: 1,
    quadrature: {
      rule: `rank-1 lattice rule, ${rule.size} points over (rectangle by its exact law, corner row, corner column)${values ? '' : ', seeded noise in the rectangle'}`,
      nodes: rule.size,
      linear: true,
      exactPixels: true,
    },
    sample: (img: Image, rng: Rng) => at(img, rng.next(), rng.next(), rng.next(), values ? null : rng),
    enumerate: (img: Image) => Array.from({ length: rule.size }, (_, k) => ({ weight: 1 / rule.size, image: point(img, k) })),
    lift: (m: Mixture): Mixture => ({
      shape: input,
      families: m.families.flatMap((f) =>
        Array.from(f.offsets.p, (p, o) => ({ o, w: f.weight * p }))
          .filter((r) => r.w > 0)
          .flatMap(({ o, w }) => Array.from({ length: rule.size }, (_, k) => lazyFamily(w / rule.size, () => point(windowOf(f, o, m.shape), k), input))),
      ),
    }),
    pixelLaw: (law: PixelLaw): PixelLaw => {
      const plane = H * W;
      const mean = law.mean.map((v, i) => (1 - erased[i % plane]) * v + erased[i % plane] * valueAt(Math.floor(i / plane)));
      const second = law.second.map((v, i) => {
        const e = erased[i % plane];
        return (1 - e) * v + e * (values ? valueAt(Math.floor(i / plane)) ** 2 : 1);
      });
      return lawOfMoments(law.shape, mean, second);
    },
  };
}

/** P(pixel erased) over rows and columns: a corner uniform on [0, H - h] x [0, W - w] covers (y, x) in rows(y) cols(x) ways. */
function erasedProbability(atoms: readonly Erase[], H: number, W: number): Float64Array {
  const out = new Float64Array(H * W);
  const covering = (y: number, size: number, n: number) => Math.max(0, Math.min(y, n - size) - Math.max(0, y - size + 1) + 1);
  for (const a of atoms) {
    if (a.h === 0 || a.w === 0 || a.p === 0) continue;
    const positions = (H - a.h + 1) * (W - a.w + 1);
    for (let y = 0; y < H; y++) {
      const rows = covering(y, a.h, H);
      if (rows === 0) continue;
      for (let x = 0; x < W; x++) out[y * W + x] += (a.p * rows * covering(x, a.w, W)) / positions;
    }
  }
  return out;
}

/** A standard normal draw (Box-Muller, one of the pair). */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}
