import { gaussLegendre } from '../../quadrature/gaussLegendre';
import { crossMoments, type PixelLaw } from '../../moments/pixelLaw';
import { inverseAffineMatrix, type AffineParams } from './affineMatrix';
import { cornerWeights, nearbyint, type WarpMode, type WarpWindow } from './gridSample';

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
 * Exact per-pixel mean and second moment of the warped image over the parameter (math notes, section 3). For an
 * output pixel, source = C + A g(t) + B h(t) with (g, h) = (cos t, sin t) in the angle t (radians) or (1/t, 0) in
 * the scale t. The nearest source pixel changes where a source coordinate crosses k + 1/2, the bilinear corners
 * where it crosses an integer: between those breakpoints (solved in closed form) the nearest output is constant
 * and the bilinear one a trigonometric or rational polynomial, integrated by 8-point Gauss-Legendre per piece.
 * Nearest needs the input's per-pixel moments; bilinear also its neighbour cross moments, so a finite input law.
 * Returns null when the law lacks what the mode needs.
 */
export function warpPixelMoments(law: PixelLaw, warp: OneParameterWarp, window: WarpWindow): { mean: Float64Array; second: Float64Array } | null {
  if (warp.mode === 'bilinear' && !law.mixture) return null;
  const { channels, height: h, width: w } = law.shape;
  const [t0, t1] = integrationInterval(warp);
  const coef = sourceCoefficients(warp);
  const cross = warp.mode === 'bilinear' ? neighbourMoments(law) : null;
  // Read the (lazily computed) moments once.
  const moments: InputMoments = { shape: law.shape, mean: law.mean, second: law.second };
  const angle = warp.parameter === 'angle';
  const offset = warp.mode === 'nearest' ? 0.5 : 0;
  const xc = warp.center[0] + (w - 1) / 2;
  const yc = warp.center[1] + (h - 1) / 2;
  const size = window.height * window.width;
  const mean = new Float64Array(channels * size);
  const second = new Float64Array(channels * size);
  let breaks = new Float64Array(256);
  const acc = new Float64Array(2 * channels);
  for (let i = 0; i < window.height; i++) {
    const by = i + window.top + 0.5 - h / 2;
    for (let j = 0; j < window.width; j++) {
      const bx = j + window.left + 0.5 - w / 2;
      const u = bx - warp.center[0];
      const v = by - warp.center[1];
      const xa = coef.x[0] * u + coef.x[1] * v;
      const xb = coef.x[2] * u + coef.x[3] * v;
      const ya = coef.y[0] * u + coef.y[1] * v;
      const yb = coef.y[2] * u + coef.y[3] * v;
      // At most two crossings per level in the angle (one in the scale), levels over the coordinate's range.
      const need = 4 * (Math.ceil(Math.hypot(xa, xb)) + Math.ceil(Math.hypot(ya, yb)) + 2) + 2;
      if (need > breaks.length) breaks = new Float64Array(2 * need);
      let n = 0;
      breaks[n++] = t0;
      n = crossings(angle, xa, xb, xc, t0, t1, offset, breaks, n);
      n = crossings(angle, ya, yb, yc, t0, t1, offset, breaks, n);
      breaks[n++] = t1;
      const cuts = breaks.subarray(0, n).sort();
      acc.fill(0);
      for (let p = 0; p + 1 < n; p++) {
        const lo = cuts[p];
        const hi = cuts[p + 1];
        if (hi <= lo) continue;
        const mid = (lo + hi) / 2;
        const g = angle ? Math.cos(mid) : 1 / mid;
        const s = angle ? Math.sin(mid) : 0;
        const sxMid = xc + xa * g + xb * s;
        const syMid = yc + ya * g + yb * s;
        if (!cross) {
          addNearest(acc, moments, warp.fills, nearbyint(sxMid), nearbyint(syMid), hi - lo);
          continue;
        }
        const x0 = Math.floor(sxMid);
        const y0 = Math.floor(syMid);
        const half = (hi - lo) / 2;
        for (let q = 0; q < GAUSS.nodes.length; q++) {
          const t = mid + half * GAUSS.nodes[q];
          const gt = angle ? Math.cos(t) : 1 / t;
          const st = angle ? Math.sin(t) : 0;
          addBilinear(acc, moments, cross, warp.fills, x0, y0, xc + xa * gt + xb * st - x0, yc + ya * gt + yb * st - y0, half * GAUSS.weights[q]);
        }
      }
      const o = i * window.width + j;
      for (let c = 0; c < channels; c++) {
        mean[c * size + o] = acc[c] / (t1 - t0);
        second[c * size + o] = acc[channels + c] / (t1 - t0);
      }
    }
  }
  return { mean, second };
}

/** The parameter's interval in the integration variable: the angle in radians, or the scale itself. */
function integrationInterval(warp: OneParameterWarp): [number, number] {
  const [lo, hi] = warp.range;
  return warp.parameter === 'angle' ? [(lo * Math.PI) / 180, (hi * Math.PI) / 180] : [lo, hi];
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

/**
 * Appends the t in (t0, t1) where c + a g(t) + b h(t) = k + offset for an integer k. In the angle,
 * a cos t + b sin t = r cos(t - phi) takes each level inside its range over the interval (the ends, and the extrema
 * at phi + k pi) at t = phi +- acos(level / r) + 2 pi m; in the scale, a / t = level at t = a / level.
 */
function crossings(angle: boolean, a: number, b: number, c: number, t0: number, t1: number, offset: number, out: Float64Array, n: number): number {
  if (!angle) {
    const e0 = c + a / t0;
    const e1 = c + a / t1;
    for (let k = Math.ceil(Math.min(e0, e1) - offset); k + offset <= Math.max(e0, e1); k++) {
      const level = k + offset - c;
      if (level === 0) continue;
      const t = a / level;
      if (t > t0 && t < t1) out[n++] = t;
    }
    return n;
  }
  const r = Math.hypot(a, b);
  if (r === 0) return n;
  const phi = Math.atan2(b, a);
  let lo = Math.min(r * Math.cos(t0 - phi), r * Math.cos(t1 - phi));
  let hi = Math.max(r * Math.cos(t0 - phi), r * Math.cos(t1 - phi));
  for (let k = Math.ceil((t0 - phi) / Math.PI); phi + k * Math.PI <= t1; k++) {
    if (k % 2 === 0) hi = r;
    else lo = -r;
  }
  for (let k = Math.ceil(c + lo - offset); k + offset <= c + hi; k++) {
    const level = k + offset - c;
    if (Math.abs(level) > r) continue;
    const alpha = Math.acos(level / r);
    for (let sign = -1; sign <= 1; sign += 2) {
      const base = phi + sign * alpha;
      for (let m = Math.ceil((t0 - base) / (2 * Math.PI)); base + 2 * Math.PI * m < t1; m++) {
        const t = base + 2 * Math.PI * m;
        if (t > t0) out[n++] = t;
      }
    }
  }
  return n;
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
