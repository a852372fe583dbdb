import type { Image } from '../../image';
import type { RandomResizedCropSpec } from '../../policy/types';
import { latticeRule } from '../../quadrature/lattice';
import type { Rng } from '../../rng';
import type { CompileOptions } from '../compileOptions';
import { cropImage } from '../geometry';
import { lazyFamily } from '../lazyFamily';
import { windowOf, type Mixture, type Shape, type WeightedImage, type WindowFamily } from '../mixture';
import { offsetGrid, singleOffset, uniformIntegers } from '../offsets';
import { resizeImage, resizeWindow } from '../resize';
import { resizedCropLaw, type CropSize } from '../resizedCropLaw';
import type { Step } from '../step';

/** Largest outcome count, and count of values, enumerated exactly; past them the outcome set is a lattice rule. */
const EXACT_OUTCOMES = 2500;
const EXACT_VALUES = 2e7;

/**
 * RandomResizedCrop(size, scale, ratio, interpolation, antialias): a crop of random size (the exact law of the ten
 * attempts, resizedCropLaw) at a uniform integer corner, resized to `size` (bilinear with antialias as torchvision
 * >= 0.17 by default). Discrete: enumerated exactly while the outcomes are few; on real images (about 10^8 outcomes)
 * the outcome set is a rank-1 lattice rule over (size by its cumulative probability, corner row, corner column).
 * The sampler draws from the exact law (the same distribution as torchvision's loop of attempts).
 */
export function resizedCropStep(spec: RandomResizedCropSpec, input: Shape, label: string, opts: CompileOptions): Step {
  if (spec.interpolation === 'bicubic') throw new Error(`${label}: interpolation BICUBIC is not supported yet (BILINEAR, NEAREST and NEAREST_EXACT are)`);
  const law = resizedCropLaw(input.height, input.width, spec.scale, spec.ratio);
  const atoms: (CropSize & { top?: number; left?: number })[] = [...law.sizes, ...(law.fallback.p > 0 ? [law.fallback] : [])];
  const cumulative = new Float64Array(atoms.length);
  atoms.reduce((s, a, i) => (cumulative[i] = s + a.p), 0);
  const [oh, ow] = spec.size;
  const output: Shape = { channels: input.channels, height: oh, width: ow };
  const resizeOpts = { interpolation: spec.interpolation, antialias: spec.antialias };
  const resize = (img: Image) => resizeImage(img, oh, ow, resizeOpts);
  const positions = (a: CropSize & { top?: number }) => (a.top !== undefined ? 1 : (input.height - a.h + 1) * (input.width - a.w + 1));
  const total = atoms.reduce((s, a) => s + positions(a), 0);
  const exact = total <= EXACT_OUTCOMES && total * output.channels * oh * ow <= EXACT_VALUES;
  const rule = latticeRule(64 * 2 ** opts.level);
  const at = (img: Image, u0: number, u1: number, u2: number): Image => {
    // The first atom whose cumulative probability passes u0 (binary search: thousands of sizes on real images).
    const target = u0 * cumulative[atoms.length - 1];
    let lo = 0;
    let hi = atoms.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] <= target) lo = mid + 1;
      else hi = mid;
    }
    const a = atoms[lo];
    const top = a.top ?? Math.floor(u1 * (input.height - a.h + 1));
    const left = a.left ?? Math.floor(u2 * (input.width - a.w + 1));
    return resizeWindow(img, top, left, a.h, a.w, oh, ow, resizeOpts);
  };
  const families = (img: () => Image, weight: number): WindowFamily[] =>
    exact
      ? atoms.map((a) => {
          const offsets = a.top !== undefined ? singleOffset(a.top, a.left) : offsetGrid(uniformIntegers(0, input.height - a.h), uniformIntegers(0, input.width - a.w));
          return { weight: weight * a.p, base: img(), offsets, size: a };
        }).flatMap(({ weight: w, base, offsets, size }) =>
          Array.from(offsets.p, (p, k) => ({ weight: w * p, base: resize(cropImage(base, offsets.dy[k], offsets.dx[k], size.h, size.w)), offsets: singleOffset() })),
        )
      : Array.from({ length: rule.size }, (_, k) =>
          lazyFamily(weight / rule.size, () => at(img(), rule.coordinate(k, 0), rule.coordinate(k, 1), rule.coordinate(k, 2)), output),
        );
  return {
    label,
    inputShape: input,
    outputShape: output,
    affine: true,
    quadrature: exact
      ? undefined
      : { rule: `rank-1 lattice rule, ${rule.size} points over (crop size by its exact law, corner row, corner column)`, nodes: rule.size, linear: false, exactPixels: false },
    sample: (img: Image, rng: Rng) => at(img, rng.next(), rng.next(), rng.next()),
    enumerate: (img: Image): WeightedImage[] => families(() => img, 1).map((f) => ({ weight: f.weight, image: f.base })),
    lift: (m: Mixture): Mixture => ({
      shape: output,
      families: m.families.flatMap((f) =>
        Array.from(f.offsets.p, (p, k) => ({ k, w: f.weight * p }))
          .filter((o) => o.w > 0)
          .flatMap(({ k, w }) => families(() => windowOf(f, k, m.shape), w)),
      ),
    }),
  };
}
