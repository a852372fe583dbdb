import type { Image } from '../image';
import type { Shape } from '../augment/mixture';
import type { OffsetSet } from '../augment/offsets';
import { fft2d, nextPowerOfTwo } from '../fft';

/** A rectangle [y0, y1) x [x0, x1) of a canvas. */
export interface Rect {
  readonly y0: number;
  readonly y1: number;
  readonly x0: number;
  readonly x1: number;
}

/** The part of the canvas every window of the family covers: [max dy, min dy + H) x [max dx, min dx + W), or null. */
export function commonCore(offsets: OffsetSet, shape: Shape): Rect | null {
  const { dy, dx } = offsets;
  let y0 = -Infinity, y1 = Infinity, x0 = -Infinity, x1 = Infinity;
  for (let k = 0; k < dy.length; k++) {
    y0 = Math.max(y0, dy[k]);
    y1 = Math.min(y1, dy[k] + shape.height);
    x0 = Math.max(x0, dx[k]);
    x1 = Math.min(x1, dx[k] + shape.width);
  }
  return y1 > y0 && x1 > x0 ? { y0, y1, x0, x1 } : null;
}

/**
 * The core's share of every window sum at once: corr(d) = sum over q in the core of sum_c f[c, q] g[c, q + d], for
 * every difference d, by the correlation theorem (one spectrum per channel of the core of f and of g, one inverse
 * transform). Read it with `at(dy, dx)`; the grid is at least as large as both canvases, so no q + d that lies inside
 * g wraps around.
 */
export function coreCorrelation(f: Image, g: Image, core: Rect): { at(dy: number, dx: number): number } {
  const rows = nextPowerOfTwo(Math.max(f.height, g.height));
  const cols = nextPowerOfTwo(Math.max(f.width, g.width));
  const size = rows * cols;
  const accRe = new Float64Array(size);
  const accIm = new Float64Array(size);
  const spectrum = (img: Image, c: number, rect: Rect) => {
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    for (let y = rect.y0; y < rect.y1; y++) {
      for (let x = rect.x0; x < rect.x1; x++) re[y * cols + x] = img.data[(c * img.height + y) * img.width + x];
    }
    fft2d(re, im, rows, cols, false);
    return { re, im };
  };
  for (let c = 0; c < f.channels; c++) {
    const a = spectrum(f, c, core);
    const b = spectrum(g, c, { y0: 0, y1: g.height, x0: 0, x1: g.width });
    // conj(A) B: the transform of sum_q a[q] b[q + d].
    for (let i = 0; i < size; i++) {
      accRe[i] += a.re[i] * b.re[i] + a.im[i] * b.im[i];
      accIm[i] += a.re[i] * b.im[i] - a.im[i] * b.re[i];
    }
  }
  fft2d(accRe, accIm, rows, cols, true);
  const wrap = (v: number, m: number) => ((v % m) + m) % m;
  return { at: (dy, dx) => accRe[wrap(dy, rows) * cols + wrap(dx, cols)] };
}

/**
 * Window sums of Q[q] = sum_c f[c, q] g[c, q + d] over the windows [top, top + H) x [left, left + W) (canvas
 * coordinates, each containing the core) with the core left out: 2-D prefix sums of Q outside the core, formed only
 * at the rows and columns where windows start and end. Every window starts at or before the core and ends at or after
 * it, so within the core's rows only the strips left and right of it are read: on a wide window with a thin margin,
 * a fraction of the canvas.
 */
export function frameWindowSums(
  f: { readonly data: Float64Array; readonly width: number; readonly channels: number },
  g: { readonly data: Float64Array; readonly width: number },
  d: { readonly dy: number; readonly dx: number },
  region: Rect,
  core: Rect,
  windows: { readonly tops: ArrayLike<number>; readonly lefts: ArrayLike<number> },
  shape: Shape,
  out: Float64Array,
): void {
  const ys = sortedDistinct(windows.tops, shape.height);
  const xs = sortedDistinct(windows.lefts, shape.width);
  const c = f.channels;
  const fd = f.data;
  const gd = g.data;
  // prefix[r * xs.length + k] = sum over rows < ys[r] and columns < xs[k] of Q outside the core.
  const prefix = new Float64Array(ys.length * xs.length);
  const columns = new Float64Array(xs.length);
  let next = 0;
  for (let y = region.y0; y <= region.y1; y++) {
    while (next < ys.length && ys[next] === y) prefix.set(columns, xs.length * next++);
    if (y === region.y1) break;
    const inCoreRows = y >= core.y0 && y < core.y1;
    const fs = y * f.width;
    const gs = (y + d.dy) * g.width + d.dx;
    let acc = 0;
    let x = region.x0;
    for (let k = 0; k < xs.length; k++) {
      const stop = xs[k];
      // Stops lie at or before the core's left edge or at or after its right edge: jump over the core.
      const jump = inCoreRows && x < core.x1 && stop > core.x0;
      for (let end = jump ? core.x0 : stop; ; end = stop) {
        if (c === 3) {
          for (let fi = (fs + x) * 3, gi = (gs + x) * 3; x < end; x++, fi += 3, gi += 3) acc += fd[fi] * gd[gi] + fd[fi + 1] * gd[gi + 1] + fd[fi + 2] * gd[gi + 2];
        }
        for (; x < end; x++) {
          const fi = (fs + x) * c;
          const gi = (gs + x) * c;
          for (let ch = 0; ch < c; ch++) acc += fd[fi + ch] * gd[gi + ch];
        }
        if (end === stop) break;
        x = core.x1;
      }
      columns[k] += acc;
    }
  }
  const rowOf = indexOf(ys);
  const colOf = indexOf(xs);
  const at = (r: number, k: number) => prefix[r * xs.length + k];
  for (let p = 0; p < windows.tops.length; p++) {
    const top = rowOf[windows.tops[p]];
    const bottom = rowOf[windows.tops[p] + shape.height];
    const left = colOf[windows.lefts[p]];
    const right = colOf[windows.lefts[p] + shape.width];
    out[p] = at(bottom, right) - at(top, right) - at(bottom, left) + at(top, left);
  }
}

/** position[v] = index of v in the sorted list. */
function indexOf(sorted: readonly number[]): Int32Array {
  const position = new Int32Array((sorted[sorted.length - 1] ?? 0) + 1);
  sorted.forEach((v, i) => (position[v] = i));
  return position;
}

/** The window starts and ends (start + extent), sorted, each once. */
function sortedDistinct(starts: ArrayLike<number>, extent: number): number[] {
  const set = new Set<number>();
  for (let i = 0; i < starts.length; i++) {
    set.add(starts[i]);
    set.add(starts[i] + extent);
  }
  return [...set].sort((a, b) => a - b);
}
