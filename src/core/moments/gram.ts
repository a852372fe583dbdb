import type { Mixture, Shape, WindowFamily } from '../augment/mixture';

/**
 * Inner products <y_i, y_j> between all outcomes, as a dense symmetric matrix (row-major, n x n).
 * Two windows of canvases f and g at offsets a and b satisfy <y_a, y_b> = sum over the window at a of
 * Q_d[q] = <f[:, q], g[:, q + d]>, d = b - a; so all pairs sharing a difference d are box sums of one product
 * image Q_d, read off its 2-D prefix sums in O(1) each.
 */
export function outcomeGram(m: Mixture): { gram: Float64Array; size: number; familyStart: number[] } {
  const familyStart: number[] = [];
  let n = 0;
  for (const f of m.families) {
    familyStart.push(n);
    n += f.offsets.p.length;
  }
  const gram = new Float64Array(n * n);
  for (let a = 0; a < m.families.length; a++) {
    for (let b = a; b < m.families.length; b++) {
      familyBlock(gram, n, familyStart[a], familyStart[b], m.families[a], m.families[b], m.shape, a === b);
    }
  }
  return { gram, size: n, familyStart };
}

function familyBlock(
  gram: Float64Array,
  n: number,
  rowStart: number,
  colStart: number,
  f: WindowFamily,
  g: WindowFamily,
  shape: Shape,
  same: boolean,
): void {
  const groups = new Map<number, number[]>();
  const { dy: fy, dx: fx } = f.offsets;
  const { dy: gy, dx: gx } = g.offsets;
  for (let i = 0; i < fy.length; i++) {
    for (let j = same ? i : 0; j < gy.length; j++) {
      const key = (gy[j] - fy[i] + 32768) * 65536 + (gx[j] - fx[i] + 32768);
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(i, j);
    }
  }
  const scratch = new Float64Array((f.base.height + 1) * (f.base.width + 1));
  for (const pairs of groups.values()) {
    const ddy = gy[pairs[1]] - fy[pairs[0]];
    const ddx = gx[pairs[1]] - fx[pairs[0]];
    let y0 = Infinity, y1 = -Infinity, x0 = Infinity, x1 = -Infinity;
    for (let p = 0; p < pairs.length; p += 2) {
      y0 = Math.min(y0, fy[pairs[p]]);
      y1 = Math.max(y1, fy[pairs[p]] + shape.height);
      x0 = Math.min(x0, fx[pairs[p]]);
      x1 = Math.max(x1, fx[pairs[p]] + shape.width);
    }
    const sums = productPrefixSums(scratch, f, g, shape.channels, ddy, ddx, y0, y1, x0, x1);
    const stride = x1 - x0 + 1;
    for (let p = 0; p < pairs.length; p += 2) {
      const i = pairs[p];
      const j = pairs[p + 1];
      const top = fy[i] - y0;
      const left = fx[i] - x0;
      const bottom = top + shape.height;
      const right = left + shape.width;
      const v =
        sums[bottom * stride + right] - sums[top * stride + right] - sums[bottom * stride + left] + sums[top * stride + left];
      gram[(rowStart + i) * n + colStart + j] = v;
      gram[(colStart + j) * n + rowStart + i] = v;
    }
  }
}

/** 2-D prefix sums S[y][x] = sum_{y' < y, x' < x} sum_c f[c, y0 + y', x0 + x'] * g[c, y0 + y' + dy, x0 + x' + dx]. */
function productPrefixSums(
  sums: Float64Array,
  f: WindowFamily,
  g: WindowFamily,
  channels: number,
  dy: number,
  dx: number,
  y0: number,
  y1: number,
  x0: number,
  x1: number,
): Float64Array {
  const h = y1 - y0;
  const w = x1 - x0;
  const stride = w + 1;
  sums.fill(0, 0, stride);
  const fd = f.base.data;
  const gd = g.base.data;
  const fPlane = f.base.height * f.base.width;
  const gPlane = g.base.height * g.base.width;
  for (let y = 0; y < h; y++) {
    const fs = (y0 + y) * f.base.width + x0;
    const gs = (y0 + y + dy) * g.base.width + x0 + dx;
    const o = (y + 1) * stride;
    sums[o] = 0;
    let acc = 0;
    for (let x = 0; x < w; x++) {
      let v = 0;
      for (let c = 0; c < channels; c++) v += fd[c * fPlane + fs + x] * gd[c * gPlane + gs + x];
      acc += v;
      sums[o + x + 1] = sums[o - stride + x + 1] + acc;
    }
  }
  return sums;
}
