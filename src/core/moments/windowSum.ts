import type { Shape, WindowFamily } from '../augment/mixture';
import { separableMarginals, type Distribution1D, type OffsetSet } from '../augment/offsets';

/** Values on a family's canvas: its image, or (float64) a map of it such as the products of neighbouring pixels. */
export interface CanvasValues {
  readonly height: number;
  readonly width: number;
  readonly data: Float32Array | Float64Array;
}

/**
 * out[c, y, x] += scale * sum_k coef_k * g(canvas[c, y + dy_k, x + dx_k]): the weighted sum of a family's windows,
 * with g = identity or square, read from the family's canvas or from `canvas` (same size). With the offset
 * probabilities as coefficients this is E[y] (or E[y^2]) over the family; it is a correlation of the canvas with the
 * offset kernel, done separably when the kernel factorises.
 */
export function accumulateWindowSum(
  out: Float64Array,
  family: WindowFamily,
  shape: Shape,
  coef: Float64Array,
  scale: number,
  square: boolean,
  canvas: CanvasValues = family.base,
): void {
  const sep = coef === family.offsets.p ? separableMarginals(family.offsets) : null;
  if (sep) separableSum(out, canvas, shape, sep.rows, sep.cols, scale, square);
  else directSum(out, canvas, family.offsets, shape, coef, scale, square);
}

function directSum(out: Float64Array, base: CanvasValues, offsets: OffsetSet, shape: Shape, coef: Float64Array, scale: number, square: boolean) {
  const { dy, dx } = offsets;
  const { channels, height: h, width: w } = shape;
  const active = Array.from(coef.keys()).filter((k) => coef[k] !== 0);
  // Output row outermost: it stays in cache while every offset adds its shifted canvas row.
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const o = (c * h + y) * w;
      for (const k of active) {
        const a = coef[k] * scale;
        const s = (c * base.height + y + dy[k]) * base.width + dx[k];
        if (square) for (let x = 0; x < w; x++) out[o + x] += a * base.data[s + x] * base.data[s + x];
        else for (let x = 0; x < w; x++) out[o + x] += a * base.data[s + x];
      }
    }
  }
}

function separableSum(
  out: Float64Array,
  base: CanvasValues,
  shape: Shape,
  rows: Distribution1D,
  cols: Distribution1D,
  scale: number,
  square: boolean,
) {
  const { channels, height: h, width: w } = shape;
  const y0 = rows.values[0];
  const span = rows.values[rows.values.length - 1] - y0 + h;
  const tmp = new Float64Array(span * w);
  // A uniform law on consecutive integers (RandomCrop's corner) is a box filter: differences of prefix sums.
  const boxCols = isUniformRun(cols);
  const boxRows = isUniformRun(rows);
  const rowPrefix = new Float64Array(boxCols ? base.width + 1 : 0);
  const colPrefix = new Float64Array(boxRows ? (span + 1) * w : 0);
  for (let c = 0; c < channels; c++) {
    tmp.fill(0);
    for (let r = 0; r < span; r++) {
      const s = (c * base.height + y0 + r) * base.width;
      const o = r * w;
      if (boxCols) {
        for (let x = 0; x < base.width; x++) rowPrefix[x + 1] = rowPrefix[x] + (square ? base.data[s + x] * base.data[s + x] : base.data[s + x]);
        const a = cols.p[0];
        const lo = cols.values[0];
        const hi = lo + cols.values.length;
        for (let x = 0; x < w; x++) tmp[o + x] = a * (rowPrefix[hi + x] - rowPrefix[lo + x]);
        continue;
      }
      for (let j = 0; j < cols.values.length; j++) {
        const a = cols.p[j];
        const sj = s + cols.values[j];
        if (square) for (let x = 0; x < w; x++) tmp[o + x] += a * base.data[sj + x] * base.data[sj + x];
        else for (let x = 0; x < w; x++) tmp[o + x] += a * base.data[sj + x];
      }
    }
    if (boxRows) {
      for (let r = 0; r < span; r++) for (let x = 0; x < w; x++) colPrefix[(r + 1) * w + x] = colPrefix[r * w + x] + tmp[r * w + x];
      const a = rows.p[0] * scale;
      const n = rows.values.length;
      for (let y = 0; y < h; y++) {
        const o = (c * h + y) * w;
        for (let x = 0; x < w; x++) out[o + x] += a * (colPrefix[(y + n) * w + x] - colPrefix[y * w + x]);
      }
      continue;
    }
    for (let i = 0; i < rows.values.length; i++) {
      const a = rows.p[i] * scale;
      const r0 = rows.values[i] - y0;
      for (let y = 0; y < h; y++) {
        const o = (c * h + y) * w;
        const t = (r0 + y) * w;
        for (let x = 0; x < w; x++) out[o + x] += a * tmp[t + x];
      }
    }
  }
}

/** True when the law is uniform on consecutive integers (and has enough of them for prefix sums to pay off). */
function isUniformRun(d: Distribution1D): boolean {
  const n = d.values.length;
  if (n < 4) return false;
  for (let i = 1; i < n; i++) if (d.values[i] !== d.values[0] + i || d.p[i] !== d.p[0]) return false;
  return true;
}

/** dots[k] = <base[:, dy_k : dy_k + h, dx_k : dx_k + w], v> for every offset k of the family. */
export function windowDots(family: WindowFamily, shape: Shape, v: ArrayLike<number>): Float64Array {
  const { base, offsets } = family;
  const { channels, height: h, width: w } = shape;
  const dots = new Float64Array(offsets.p.length);
  for (let k = 0; k < dots.length; k++) {
    let acc = 0;
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < h; y++) {
        const s = (c * base.height + y + offsets.dy[k]) * base.width + offsets.dx[k];
        const o = (c * h + y) * w;
        for (let x = 0; x < w; x++) acc += base.data[s + x] * v[o + x];
      }
    }
    dots[k] = acc;
  }
  return dots;
}

/**
 * outs[v] += sum_k coefs[v][k] * base window k, for several coefficient vectors at once: each canvas row is read
 * once for up to four outputs.
 */
export function accumulateWindowSums(outs: Float64Array[], family: WindowFamily, shape: Shape, coefs: Float64Array[]): void {
  for (let v0 = 0; v0 < outs.length; v0 += 4) {
    const group = [0, 1, 2, 3].map((i) => Math.min(v0 + i, outs.length - 1));
    // Padding a short group with a repeated output and zero coefficients keeps one unrolled loop.
    const zero = new Float64Array(family.offsets.p.length);
    const cs = group.map((v, i) => (v0 + i < outs.length ? coefs[v] : zero));
    sumFour(group.map((v) => outs[v]), family, shape, cs);
  }
}

function sumFour(outs: Float64Array[], f: WindowFamily, shape: Shape, cs: Float64Array[]) {
  const [o0, o1, o2, o3] = outs;
  const [c0, c1, c2, c3] = cs;
  const { dy, dx } = f.offsets;
  const bd = f.base.data;
  const { channels, height: h, width: w } = shape;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const o = (c * h + y) * w;
      for (let k = 0; k < dy.length; k++) {
        const a0 = c0[k], a1 = c1[k], a2 = c2[k], a3 = c3[k];
        const s = (c * f.base.height + y + dy[k]) * f.base.width + dx[k];
        for (let x = 0; x < w; x++) {
          const b = bd[s + x];
          o0[o + x] += a0 * b;
          o1[o + x] += a1 * b;
          o2[o + x] += a2 * b;
          o3[o + x] += a3 * b;
        }
      }
    }
  }
}
