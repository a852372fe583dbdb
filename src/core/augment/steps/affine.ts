import type { Image } from '../../image';
import type { RandomAffineSpec, RandomRotationSpec } from '../../policy/types';
import type { PixelLaw } from '../../moments/pixelLaw';
import { cubeRule } from '../../quadrature/latticeCube';
import type { CubeRule } from '../../quadrature/tensorRule';
import type { Rng } from '../../rng';
import { uniform } from '../../rng';
import type { CompileOptions } from '../compileOptions';
import { roundHalfEven } from '../geometry';
import { lazyFamily } from '../lazyFamily';
import { outcomes, windowOf, type Mixture, type Shape, type WeightedImage } from '../mixture';
import { offsetGrid, roundedUniform, type Distribution1D } from '../offsets';
import { fillValues } from '../pad';
import type { Step } from '../step';
import { centeredCenter, inverseAffineMatrix, type AffineParams } from '../warp/affineMatrix';
import { foldedPoint, foldUniform } from '../warp/foldedRange';
import { warpImage, type WarpMode, type WarpWindow } from '../warp/gridSample';
import { warpGain } from '../warp/warpGain';
import { warpPixelMoments } from '../warp/warpPixelMoments';
import { translatedMoments } from '../warp/translatedMoments';

type Parameter = 'angle' | 'scale' | 'shearX' | 'shearY';

interface Range {
  readonly parameter: Parameter;
  readonly lo: number;
  readonly hi: number;
}

/**
 * RandomRotation (expand=False) and RandomAffine with continuous angle, scale or shear: each draw is an affine warp
 * with torchvision's inverse matrix and grid_sample semantics. Continuous parameters are integrated by a tensor
 * composite Gauss-Legendre rule (a lattice rule past two of them); whole-pixel translations stay exact, as window
 * offsets of the warp computed on an output grid widened by the largest shift (a translation moves the output grid:
 * out_t(q) = out_0(q - t)). With one continuous angle or scale, per-pixel moments are exact (warpPixelMoments).
 */
export function affineStep(spec: RandomAffineSpec | RandomRotationSpec, input: Shape, label: string, opts: CompileOptions): Step {
  if (spec.kind === 'RandomRotation' && spec.expand) {
    throw new Error(`${label}: expand=True is not supported (the output size would change with the angle)`);
  }
  const mode: WarpMode = spec.interpolation === 'bilinear' ? 'bilinear' : 'nearest';
  if (spec.interpolation !== 'nearest' && spec.interpolation !== 'bilinear') {
    throw new Error(`${label}: interpolation must be NEAREST or BILINEAR for tensors`);
  }
  const fills = fillValues(spec.fill, input.channels);
  const center = centeredCenter(spec.center, input.height, input.width);
  // F.rotate(angle) warps with F.affine's matrix at -angle.
  const [d0, d1] = spec.degrees;
  const angle: Range = spec.kind === 'RandomRotation' ? { parameter: 'angle', lo: -d1, hi: -d0 } : { parameter: 'angle', lo: d0, hi: d1 };
  const ranges: Range[] = [angle];
  const translate = spec.kind === 'RandomAffine' ? spec.translate : null;
  if (spec.kind === 'RandomAffine' && spec.scale) ranges.push({ parameter: 'scale', lo: spec.scale[0], hi: spec.scale[1] });
  if (spec.kind === 'RandomAffine' && spec.shear) {
    ranges.push({ parameter: 'shearX', lo: spec.shear[0], hi: spec.shear[1] }, { parameter: 'shearY', lo: spec.shear[2], hi: spec.shear[3] });
  }
  const varying = ranges.filter((r) => r.hi > r.lo);
  const fixedValue = (p: Parameter): number => {
    const r = ranges.find((x) => x.parameter === p);
    return r ? r.lo : p === 'scale' ? 1 : 0;
  };
  const params = (u: ArrayLike<number>, valueAt: (i: number, u: number) => number): AffineParams => {
    const value = (p: Parameter) => {
      const i = varying.findIndex((r) => r.parameter === p);
      return i < 0 ? fixedValue(p) : valueAt(i, u[i]);
    };
    return { angle: value('angle'), translate: [0, 0], scale: value('scale'), shear: [value('shearX'), value('shearY')] };
  };
  // torchvision's draws: each parameter uniform on its own range.
  const drawnParams = (u: ArrayLike<number>) => params(u, (i, x) => varying[i].lo + (varying[i].hi - varying[i].lo) * x);
  // The warp depends on the angle modulo 360 degrees and on the shears modulo 180 (tan sx and cos(rot - sy) / cos sy
  // have period pi): quadrature nodes cover each folded range, however many periods the range spans.
  const folded = varying.map((r) => (r.parameter === 'scale' ? [{ lo: r.lo, hi: r.hi, weight: 1 }] : foldUniform(r.lo, r.hi, r.parameter === 'angle' ? 360 : 180)));
  const nodeParamsAt = (u: ArrayLike<number>) => params(u, (i, x) => foldedPoint(folded[i], x));

  const maxDx = translate ? translate[0] * input.width : 0;
  const maxDy = translate ? translate[1] * input.height : 0;
  const txLaw = roundedUniform(maxDx);
  const tyLaw = roundedUniform(maxDy);
  const mx = Math.max(...Array.from(txLaw.values, Math.abs));
  const my = Math.max(...Array.from(tyLaw.values, Math.abs));
  const window: WarpWindow = { top: -my, left: -mx, height: input.height + 2 * my, width: input.width + 2 * mx };
  const shifts = offsetGrid(toOffsets(tyLaw, my), toOffsets(txLaw, mx));
  const canvas: Shape = { channels: input.channels, height: window.height, width: window.width };
  const rule: CubeRule = cubeRule(varying.length, opts.level);
  const nodeParams = Array.from({ length: rule.size }, (_, k) => nodeParamsAt(rule.points.subarray(k * rule.dims, (k + 1) * rule.dims)));
  let gain: number | undefined;
  const warp = (img: Image, p: AffineParams, win?: WarpWindow) => warpImage(img, inverseAffineMatrix(center, p), mode, fills, win);

  return {
    label,
    inputShape: input,
    outputShape: input,
    affine: true,
    quadrature: {
      rule: rule.description,
      nodes: rule.size,
      linear: true,
      exactPixels: varying.length === 1 && varying[0].parameter !== 'shearX' && varying[0].parameter !== 'shearY',
    },
    get varianceGain() {
      gain ??= Math.max(...nodeParams.map((p) => warpGain(inverseAffineMatrix(center, p), mode, input.height, input.width, window)));
      return gain;
    },
    // torchvision draws the angle, tx, ty, scale and shears; any fixed order of draws gives the same law.
    sample: (img: Image, rng: Rng) => {
      const u = varying.map(() => rng.next());
      const t: [number, number] = translate ? [roundHalfEven(uniform(rng, -maxDx, maxDx)), roundHalfEven(uniform(rng, -maxDy, maxDy))] : [0, 0];
      return warp(img, { ...drawnParams(u), translate: t });
    },
    enumerate: (img: Image): WeightedImage[] =>
      nodeParams.flatMap((p, k) => {
        const canvas = warp(img, p, window);
        return [...outcomes({ shape: input, families: [{ weight: rule.weights[k], base: canvas, offsets: shifts }] })];
      }),
    lift: (m: Mixture): Mixture => ({
      shape: input,
      families: m.families.flatMap((f) =>
        Array.from(f.offsets.p, (pk, k) => ({ f, k, w: f.weight * pk })).filter((o) => o.w > 0).flatMap(({ f: fam, k, w }) =>
          nodeParams.map((p, n) => lazyFamily(w * rule.weights[n], () => warp(windowOf(fam, k, m.shape), p, window), canvas, shifts)),
        ),
      ),
    }),
    pixelLaw: (law: PixelLaw): PixelLaw | null => {
      const v = varying[0];
      if (varying.length !== 1 || (v.parameter !== 'angle' && v.parameter !== 'scale')) return null;
      const parameter = v.parameter;
      const ext = warpPixelMoments(law, { parameter, range: [v.lo, v.hi], fixed: drawnParams([0]), center, mode, fills }, window);
      if (!ext) return null;
      return translatedMoments(ext, input, window, shifts);
    },
  };
}

/** A translation t of the output is the window at offset (margin - t) of the widened output grid. */
function toOffsets(law: Distribution1D, margin: number): Distribution1D {
  return { values: law.values.map((t) => margin - t), p: law.p };
}
