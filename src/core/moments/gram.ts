import type { Mixture, Shape, WindowFamily } from '../augment/mixture';
import { commonCore, coreCorrelation, frameWindowSums, type Rect } from './gramCore';

/**
 * Inner products <y_i, y_j> between all outcomes, as a dense symmetric matrix (row-major, n x n).
 * Two windows of canvases f and g at offsets a and b satisfy <y_a, y_b> = sum over the window at a of
 * Q_d[q] = <f[:, q], g[:, q + d]>, d = b - a; so all pairs sharing a difference d are box sums of one product
 * image Q_d, read off its 2-D prefix sums in O(1) each.
 */
export function outcomeGram(m: Mixture): { gram: Float64Array; size: number; familyStart: number[]; mirrors: (Mirror | null)[] } {
  const familyStart: number[] = [];
  let n = 0;
  for (const f of m.families) {
    familyStart.push(n);
    n += f.offsets.p.length;
  }
  const gram = new Float64Array(n * n);
  const canvases = m.families.map((f) => interleaved(f.base));
  const mirrors = m.families.map((_, b) => mirrorSource(m.families, b, m.shape));
  for (let a = 0; a < m.families.length; a++) {
    for (let b = a; b < m.families.length; b++) {
      const [ma, mb] = [mirrors[a], mirrors[b]];
      if (ma && mb && ma.horizontal === mb.horizontal) {
        // Both are mirror images (of the same kind) of earlier families, outcome by outcome: <M u, M v> = <u, v>.
        copyBlock(gram, n, [familyStart[a], familyStart[b]], [familyStart[ma.of], familyStart[mb.of]], m.families[a].offsets.p.length, m.families[b].offsets.p.length);
        continue;
      }
      const pair = { f: m.families[a], g: m.families[b], fc: canvases[a], gc: canvases[b] };
      // A family against its own mirror image is a symmetric block too: <y_i, M y_j> = <M y_i, y_j> = <y_j, M y_i>.
      familyBlock(gram, n, familyStart[a], familyStart[b], pair, m.shape, a === b || mb?.of === a);
    }
  }
  return { gram, size: n, familyStart, mirrors };
}

/** A family whose outcomes are, one by one, the mirror images (horizontal or vertical) of family `of`'s. */
export interface Mirror {
  readonly of: number;
  readonly horizontal: boolean;
}

/**
 * An earlier family whose outcomes, mirrored, are this family's outcomes in the same order (a flip's lift makes
 * them): the canvas is the mirror image and every offset the mirrored offset. Checked on the data, not assumed.
 */
function mirrorSource(families: readonly WindowFamily[], b: number, shape: Shape): Mirror | null {
  const g = families[b];
  for (let a = 0; a < b; a++) {
    const f = families[a];
    if (f.base.channels !== g.base.channels || f.base.height !== g.base.height || f.base.width !== g.base.width || f.offsets.p.length !== g.offsets.p.length) continue;
    for (const horizontal of [true, false]) {
      if (mirroredOffsets(f, g, shape, horizontal) && mirroredCanvas(f.base, g.base, horizontal)) return { of: a, horizontal };
    }
  }
  return null;
}

function mirroredOffsets(f: WindowFamily, g: WindowFamily, shape: Shape, horizontal: boolean): boolean {
  const spanX = f.base.width - shape.width;
  const spanY = f.base.height - shape.height;
  const { dy, dx } = f.offsets;
  for (let k = 0; k < dy.length; k++) {
    const [y, x] = horizontal ? [dy[k], spanX - dx[k]] : [spanY - dy[k], dx[k]];
    if (g.offsets.dy[k] !== y || g.offsets.dx[k] !== x) return false;
  }
  return true;
}

function mirroredCanvas(f: WindowFamily['base'], g: WindowFamily['base'], horizontal: boolean): boolean {
  const { channels, height: h, width: w } = f;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const row = (c * h + y) * w;
      const other = horizontal ? row : (c * h + h - 1 - y) * w;
      for (let x = 0; x < w; x++) if (g.data[row + x] !== f.data[other + (horizontal ? w - 1 - x : x)]) return false;
    }
  }
  return true;
}

/** Copies the block of entries computed for the source families into both triangles of this pair's block. */
function copyBlock(gram: Float64Array, n: number, [rowStart, colStart]: number[], [srcRow, srcCol]: number[], rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = gram[(srcRow + i) * n + srcCol + j];
      gram[(rowStart + i) * n + colStart + j] = v;
      gram[(colStart + j) * n + rowStart + i] = v;
    }
  }
}

/** A canvas with its channels interleaved (HWC) in float64, so a pixel's channels are adjacent in the inner loop. */
interface Canvas {
  readonly data: Float64Array;
  readonly width: number;
  readonly channels: number;
}

function interleaved(img: WindowFamily['base']): Canvas {
  const { channels: c, height: h, width: w } = img;
  const data = new Float64Array(c * h * w);
  for (let ch = 0; ch < c; ch++) for (let p = 0; p < h * w; p++) data[p * c + ch] = img.data[ch * h * w + p];
  return { data, width: w, channels: c };
}

interface FamilyPair {
  readonly f: WindowFamily;
  readonly g: WindowFamily;
  readonly fc: Canvas;
  readonly gc: Canvas;
}

function familyBlock(
  gram: Float64Array,
  n: number,
  rowStart: number,
  colStart: number,
  { f, g, fc, gc }: FamilyPair,
  shape: Shape,
  symmetric: boolean,
): void {
  const put = (i: number, j: number, v: number) => {
    gram[(rowStart + i) * n + colStart + j] = v;
    gram[(colStart + j) * n + rowStart + i] = v;
    if (symmetric) {
      gram[(rowStart + j) * n + colStart + i] = v;
      gram[(colStart + i) * n + rowStart + j] = v;
    }
  };
  const groups = new Map<number, number[]>();
  const { dy: fy, dx: fx } = f.offsets;
  const { dy: gy, dx: gx } = g.offsets;
  for (let i = 0; i < fy.length; i++) {
    for (let j = symmetric ? i : 0; j < gy.length; j++) {
      const key = (gy[j] - fy[i] + 32768) * 65536 + (gx[j] - fx[i] + 32768);
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(i, j);
    }
  }
  const scratch = new Float64Array((f.base.height + 1) * (f.base.width + 1));
  const core = coreWorthIt(f, shape);
  const coreSums = core ? coreCorrelation(f.base, g.base, core) : null;
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
    if (core && coreSums) {
      const count = pairs.length / 2;
      const tops = new Int32Array(count);
      const lefts = new Int32Array(count);
      for (let p = 0; p < count; p++) {
        tops[p] = fy[pairs[2 * p]];
        lefts[p] = fx[pairs[2 * p]];
      }
      const frame = new Float64Array(count);
      frameWindowSums(fc, gc, { dy: ddy, dx: ddx }, { y0, y1, x0, x1 }, core, { tops, lefts }, shape, frame);
      const inCore = coreSums.at(ddy, ddx);
      for (let p = 0; p < count; p++) put(pairs[2 * p], pairs[2 * p + 1], inCore + frame[p]);
      continue;
    }
    const sums = productPrefixSums(scratch, fc, gc, ddy, ddx, y0, y1, x0, x1);
    const stride = x1 - x0 + 1;
    for (let p = 0; p < pairs.length; p += 2) {
      const i = pairs[p];
      const j = pairs[p + 1];
      const top = fy[i] - y0;
      const left = fx[i] - x0;
      const bottom = top + shape.height;
      const right = left + shape.width;
      put(i, j, sums[bottom * stride + right] - sums[top * stride + right] - sums[bottom * stride + left] + sums[top * stride + left]);
    }
  }
}

/**
 * The family's common core when leaving it to one transform pays: when it is at least half of every window (wide
 * windows, thin margins), so the prefix sums only visit the frame around it.
 */
function coreWorthIt(f: WindowFamily, shape: Shape): Rect | null {
  const core = commonCore(f.offsets, shape);
  return core && (core.y1 - core.y0) * (core.x1 - core.x0) >= 0.5 * shape.height * shape.width ? core : null;
}

/** 2-D prefix sums S[y][x] = sum_{y' < y, x' < x} sum_c f[c, y0 + y', x0 + x'] * g[c, y0 + y' + dy, x0 + x' + dx]. */
function productPrefixSums(
  sums: Float64Array,
  f: Canvas,
  g: Canvas,
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
  const c = f.channels;
  const run = w * c;
  const fd = f.data;
  const gd = g.data;
  sums.fill(0, 0, stride);
  for (let y = 0; y < h; y++) {
    const fs = ((y0 + y) * f.width + x0) * c;
    const gs = ((y0 + y + dy) * g.width + x0 + dx) * c;
    const o = (y + 1) * stride;
    sums[o] = 0;
    let acc = 0;
    if (c === 3) {
      for (let x = 0, i = 0; i < run; x++, i += 3) {
        acc += fd[fs + i] * gd[gs + i] + fd[fs + i + 1] * gd[gs + i + 1] + fd[fs + i + 2] * gd[gs + i + 2];
        sums[o + x + 1] = sums[o - stride + x + 1] + acc;
      }
    } else {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) acc += fd[fs + x * c + k] * gd[gs + x * c + k];
        sums[o + x + 1] = sums[o - stride + x + 1] + acc;
      }
    }
  }
  return sums;
}

/**
 * Estimated multiply-adds of outcomeGram: for each pair of families, one prefix-sum pass over the first canvas per
 * distinct offset difference (at most the pairs of offsets, at most the differences the two offset ranges allow).
 */
export function outcomeGramCost(m: Mixture): number {
  const ranges = m.families.map((f) => {
    const { dy, dx } = f.offsets;
    let y0 = Infinity, y1 = -Infinity, x0 = Infinity, x1 = -Infinity;
    for (let k = 0; k < dy.length; k++) {
      y0 = Math.min(y0, dy[k]);
      y1 = Math.max(y1, dy[k]);
      x0 = Math.min(x0, dx[k]);
      x1 = Math.max(x1, dx[k]);
    }
    return { rows: y1 - y0, cols: x1 - x0, count: dy.length, values: f.base.channels * f.base.height * f.base.width };
  });
  let cost = 0;
  for (let a = 0; a < ranges.length; a++) {
    for (let b = a; b < ranges.length; b++) {
      const [f, g] = [ranges[a], ranges[b]];
      const differences = Math.min(f.count * g.count, (f.rows + g.rows + 1) * (f.cols + g.cols + 1));
      cost += differences * f.values;
    }
  }
  return cost;
}
