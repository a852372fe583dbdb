import { gaussLegendre } from '../../quadrature/gaussLegendre';
import { crossMoments, type PixelLaw } from '../../moments/pixelLaw';
import { inverseAffineMatrix, type AffineParams } from './affineMatrix';
import { foldUniform, type FoldedInterval } from './foldedRange';
import { cornerWeights, nearbyint, sourceGrid, type WarpMode, type WarpWindow } from './gridSample';
import { appendCrossings, crossingLevels, maxCrossings, type SourceLine } from './warpCrossings';

/**
 * An affine warp with one continuous parameter, uniform on [lo, hi]: the angle (F.affine's degrees) or the scale;
 * the other parameters fixed (translations are handled outside, as window offsets).
 */
export interface OneParameterWarp {
  readonly parameter: 'angle' | 'scale';
  readonly range: readonly [number, number];
  /** The other parameters (the varying one is ignored here). */
  readonly fixed: AffineParams;
  /** torchvision's centred centre. */
  readonly center: readonly [number, number];
  readonly mode: WarpMode;
  readonly fills: Float32Array;
}

const GAUSS = gaussLegendre(8);

/**
 * Shorter angle parts need fewer nodes. The n-point remainder is L^(2n+1) (n!)^4 / ((2n+1) ((2n)!)^3) f^(2n) (A & S
 * 25.4.30) with |f^(2n)| <= 8^(2n) sum |c_k| for a trigonometric polynomial of degree <= 8 (Bernstein): on parts no
 * longer than maxLength it is <= 1e-16 L sum |c_k|, below the rounding of the sum. Most pieces between two grid
 * crossings are a few hundredths of a radian long, where 4 or 5 nodes suffice.
 */
const ANGLE_RULES = [4, 5, 6].map((n) => ({ ...gaussLegendre(n), maxLength: longestExactPart(n) }));

function longestExactPart(n: number): number {
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
  const constant = (factorial(n) ** 4 / ((2 * n + 1) * factorial(2 * n) ** 3)) * 8 ** (2 * n);
  return (1e-16 / constant) ** (1 / (2 * n));
}

/** The rule for a part of the angle of length `length`, or in the scale (8 nodes, see MAX_SCALE_RATIO). */
function ruleFor(angle: boolean, length: number): { readonly nodes: Float64Array; readonly weights: Float64Array } {
  if (angle) for (const rule of ANGLE_RULES) if (length <= rule.maxLength) return rule;
  return GAUSS;
}

/**
 * Exact per-pixel mean and second moment of the warped image over the parameter (docs/math.md, section 3). For an
 * output pixel, source = C + A g(t) + B h(t) with (g, h) = (cos t, sin t) in the angle t (radians) or (1/t, 0) in
 * the scale t. The nearest source pixel changes where a source coordinate crosses k + 1/2, the bilinear corners
 * where it crosses an integer: between those breakpoints (solved in closed form) the nearest output is constant
 * and the bilinear one a trigonometric or rational polynomial, integrated by Gauss-Legendre on each piece (split
 * where long, see MAX_ANGLE_PART; fewer nodes on short pieces of the angle, see ANGLE_RULES). Only levels where the source still touches the image cut pieces
 * (crossingLevels), so a far centre or a tiny scale costs no more than the image's size. The angle's range is
 * folded modulo 360 degrees (foldUniform): one whole turn and the remainder, each at most one turn long, weighted as
 * the law gives them.
 * Nearest needs the input's per-pixel moments; bilinear also its neighbour cross moments, so a finite input law.
 * Returns null when the law lacks what the mode needs.
 */
export function warpPixelMoments(law: PixelLaw, warp: OneParameterWarp, window: WarpWindow): { mean: Float64Array; second: Float64Array } | null {
  if (warp.mode === 'bilinear' && !law.mixture) return null;
  const { channels, height: h, width: w } = law.shape;
  const intervals = integrationIntervals(warp);
  const coef = sourceCoefficients(warp);
  const cross = warp.mode === 'bilinear' ? neighbourMoments(law) : null;
  // Read the (lazily computed) moments once.
  const moments: InputMoments = { shape: law.shape, mean: law.mean, second: law.second };
  const angle = warp.parameter === 'angle';
  const offset = warp.mode === 'nearest' ? 0.5 : 0;
  const xLevels = crossingLevels(offset, w);
  const yLevels = crossingLevels(offset, h);
  const grid = sourceGrid(h, w, window);
  const xc = warp.center[0] + grid.centreX;
  const yc = warp.center[1] + grid.centreY;
  const size = window.height * window.width;
  const mean = new Float64Array(channels * size);
  const second = new Float64Array(channels * size);
  const breaks = new Float64Array(maxCrossings(angle, xLevels) + maxCrossings(angle, yLevels) + 2);
  const acc = new Float64Array(2 * channels);
  for (let i = 0; i < window.height; i++) {
    const by = grid.y[i];
    for (let j = 0; j < window.width; j++) {
      const bx = grid.x[j];
      const u = bx - warp.center[0];
      const v = by - warp.center[1];
      const xs: SourceLine = { angle, a: coef.x[0] * u + coef.x[1] * v, b: coef.x[2] * u + coef.x[3] * v, c: xc };
      const ys: SourceLine = { angle, a: coef.y[0] * u + coef.y[1] * v, b: coef.y[2] * u + coef.y[3] * v, c: yc };
      acc.fill(0);
      for (const { lo: t0, hi: t1, weight } of intervals) {
        let n = 0;
        breaks[n++] = t0;
        n = appendCrossings(xs, t0, t1, offset, xLevels, breaks, n);
        n = appendCrossings(ys, t0, t1, offset, yLevels, breaks, n);
        breaks[n++] = t1;
        const cuts = breaks.subarray(0, n).sort();
        // Each interval contributes weight * (its integral) / (its length) to the moments.
        const density = weight / (t1 - t0);
        for (let p = 0; p + 1 < n; p++) {
          const lo = cuts[p];
          const hi = cuts[p + 1];
          if (hi <= lo) continue;
          const mid = (lo + hi) / 2;
          const gMid = angle ? Math.cos(mid) : 1 / mid;
          const hMid = angle ? Math.sin(mid) : 0;
          const sxMid = xs.c + xs.a * gMid + xs.b * hMid;
          const syMid = ys.c + ys.a * gMid + ys.b * hMid;
          if (!cross) {
            addNearest(acc, moments, warp.fills, nearbyint(sxMid), nearbyint(syMid), density * (hi - lo));
            continue;
          }
          const x0 = Math.floor(sxMid);
          const y0 = Math.floor(syMid);
          const parts = subdivisions(angle, lo, hi);
          for (let k = 0; k < parts; k++) {
            const a = subdivisionPoint(angle, lo, hi, k, parts);
            const b = subdivisionPoint(angle, lo, hi, k + 1, parts);
            const half = (b - a) / 2;
            const rule = ruleFor(angle, b - a);
            for (let q = 0; q < rule.nodes.length; q++) {
              const t = (a + b) / 2 + half * rule.nodes[q];
              const gq = angle ? Math.cos(t) : 1 / t;
              const hq = angle ? Math.sin(t) : 0;
              const tx = xs.c + xs.a * gq + xs.b * hq - x0;
              const ty = ys.c + ys.a * gq + ys.b * hq - y0;
              addBilinear(acc, moments, cross, warp.fills, x0, y0, tx, ty, density * half * rule.weights[q]);
            }
          }
        }
      }
      const o = i * window.width + j;
      for (let c = 0; c < channels; c++) {
        mean[c * size + o] = acc[c];
        second[c * size + o] = acc[channels + c];
      }
    }
  }
  return { mean, second };
}

/**
 * Bilinear pieces are split so that 8-point Gauss-Legendre is exact to rounding on each part. Its remainder is
 * L^17 (8!)^4 / (17 (16!)^3) f^(16) ~ 1.7e-23 L^17 f^(16) (Abramowitz & Stegun 25.4.30). In the angle f is a
 * trigonometric polynomial of degree <= 8, |f^(16)| <= 8^16 sum |c_k|: parts of length L <= pi / 8 leave
 * ~ 6e-16 sum |c_k|. In the scale f is a polynomial of degree <= 8 in 1 / t; on [t, rho t], t^-k has
 * f^(16) <= (k + 15)! / (k - 1)! t^(-k-16), so the remainder relative to the part's length is
 * ~ 1.7e-23 (rho - 1)^16 23! / 7! ~ 2e-14 for rho = 1.25 (geometric parts: one piece may span t in [0.5, 1000]).
 */
const MAX_ANGLE_PART = Math.PI / 8;
const MAX_SCALE_RATIO = 1.25;

function subdivisions(angle: boolean, lo: number, hi: number): number {
  return Math.max(1, Math.ceil(angle ? (hi - lo) / MAX_ANGLE_PART : Math.log(hi / lo) / Math.log(MAX_SCALE_RATIO)));
}

/** End k of `parts` equal parts of [lo, hi]: equal lengths in the angle, equal ratios in the scale. */
function subdivisionPoint(angle: boolean, lo: number, hi: number, k: number, parts: number): number {
  if (k === 0) return lo;
  if (k === parts) return hi;
  return angle ? lo + ((hi - lo) * k) / parts : lo * (hi / lo) ** (k / parts);
}

/**
 * The parameter's law in the integration variable: the angle folded modulo 360 degrees, in radians (each interval at
 * most one turn long, as appendCrossings needs), or the scale itself.
 */
function integrationIntervals(warp: OneParameterWarp): FoldedInterval[] {
  const [lo, hi] = warp.range;
  if (warp.parameter === 'scale') return [{ lo, hi, weight: 1 }];
  const radians = (d: number) => (d * Math.PI) / 180;
  return foldUniform(lo, hi, 360).map((f) => ({ lo: radians(f.lo), hi: radians(f.hi), weight: f.weight }));
}

/**
 * Per source coordinate, the matrix rows [a_u, a_v, b_u, b_v] such that source - C = (a_u u + a_v v) g(t) +
 * (b_u u + b_v v) h(t): every entry of the inverse matrix's linear part is linear in (cos, sin) of the angle, with no
 * constant term, so it is the part at 0 degrees times cos plus the part at 90 degrees times sin; in the scale it is
 * the part at scale 1 over the scale.
 */
function sourceCoefficients(warp: OneParameterWarp): { x: number[]; y: number[] } {
  const base = { ...warp.fixed, translate: [0, 0] as const };
  const at = (p: Partial<AffineParams>) => inverseAffineMatrix([0, 0], { ...base, ...p });
  if (warp.parameter === 'angle') {
    const m0 = at({ angle: 0 });
    const m90 = at({ angle: 90 });
    return { x: [m0[0], m0[1], m90[0], m90[1]], y: [m0[3], m0[4], m90[3], m90[4]] };
  }
  const m1 = at({ scale: 1 });
  return { x: [m1[0], m1[1], 0, 0], y: [m1[3], m1[4], 0, 0] };
}

function addNearest(acc: Float64Array, law: InputMoments, fills: Float32Array, ix: number, iy: number, length: number): void {
  const { channels, height: h, width: w } = law.shape;
  const inside = ix >= 0 && ix < w && iy >= 0 && iy < h;
  for (let c = 0; c < channels; c++) {
    if (inside) {
      const s = (c * h + iy) * w + ix;
      acc[c] += length * law.mean[s];
      acc[channels + c] += length * law.second[s];
    } else {
      acc[c] += length * fills[c];
      acc[channels + c] += length * fills[c] * fills[c];
    }
  }
}

interface InputMoments {
  readonly shape: PixelLaw['shape'];
  readonly mean: Float64Array;
  readonly second: Float64Array;
}

interface NeighbourMoments {
  /** E[x_p x_{p + d}] for d = (0, 1), (1, 0), (1, 1), (1, -1) */
  readonly right: Float64Array;
  readonly down: Float64Array;
  readonly downRight: Float64Array;
  readonly downLeft: Float64Array;
}

function neighbourMoments(law: PixelLaw): NeighbourMoments {
  const m = law.mixture!;
  return { right: crossMoments(m, 0, 1), down: crossMoments(m, 1, 0), downRight: crossMoments(m, 1, 1), downLeft: crossMoments(m, 1, -1) };
}

/**
 * One Gauss point of a bilinear piece: out = mask * sum_a w_a X_a + (1 - mask) fill with the in-bounds corner
 * weights w_a and mask = sum_a w_a, so E[out] and E[out^2] need the corner means and pair moments E[X_a X_b].
 */
/** Scratch space of addBilinear's corner weights. */
const CORNERS = new Float64Array(4);

function addBilinear(
  acc: Float64Array,
  law: InputMoments,
  cross: NeighbourMoments,
  fills: Float32Array,
  x0: number,
  y0: number,
  tx: number,
  ty: number,
  gw: number,
): void {
  const { channels, height: h, width: w } = law.shape;
  const mask = cornerWeights(CORNERS, x0, y0, tx, ty, h, w);
  const [w00, w01, w10, w11] = CORNERS;
  const plane = h * w;
  const p00 = y0 * w + x0;
  for (let c = 0; c < channels; c++) {
    const f = fills[c];
    const o = c * plane + p00;
    let lin = 0;
    let quad = 0;
    if (w00) {
      lin += w00 * law.mean[o];
      quad += w00 * w00 * law.second[o];
      if (w01) quad += 2 * w00 * w01 * cross.right[o];
      if (w10) quad += 2 * w00 * w10 * cross.down[o];
      if (w11) quad += 2 * w00 * w11 * cross.downRight[o];
    }
    if (w01) {
      lin += w01 * law.mean[o + 1];
      quad += w01 * w01 * law.second[o + 1];
      if (w10) quad += 2 * w01 * w10 * cross.downLeft[o + 1];
      if (w11) quad += 2 * w01 * w11 * cross.down[o + 1];
    }
    if (w10) {
      lin += w10 * law.mean[o + w];
      quad += w10 * w10 * law.second[o + w];
      if (w11) quad += 2 * w10 * w11 * cross.right[o + w];
    }
    if (w11) {
      lin += w11 * law.mean[o + w + 1];
      quad += w11 * w11 * law.second[o + w + 1];
    }
    acc[c] += gw * (mask * lin + (1 - mask) * f);
    acc[channels + c] += gw * (mask * mask * quad + 2 * mask * (1 - mask) * f * lin + (1 - mask) * (1 - mask) * f * f);
  }
}
