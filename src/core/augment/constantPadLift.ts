import { createImage, type Image } from '../image';
import type { Padding } from '../policy/types';
import type { Mixture, WindowFamily } from './mixture';
import { fillValues, padImage } from './pad';
import type { WindowOp } from './windowOp';

/** Rows [top, bottom) and columns [left, right) of a canvas outside which every value is its channel's fill. */
export interface CanvasContent {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
  readonly fill: Float32Array;
}

/** What the lifts below know of the canvases they made (structure, not pixel values: a blank canvas gets the same). */
const contentOf = new WeakMap<Image, CanvasContent>();

export function knownContent(img: Image): CanvasContent | undefined {
  return contentOf.get(img);
}

export function rememberContent(img: Image, content: CanvasContent): Image {
  contentOf.set(img, content);
  return img;
}

/**
 * A constant-padded window op (RandomCrop, padding_mode='constant') on window families, merging what is provably the
 * same outcome. Outcome (a, b) of a family (canvas C, window offset a, window h x w) is window b of pad(C[a : a + h]);
 * on P = pad(C) it is the window at s = a + b of P with the fill outside the rectangle M_a = (a + pad) + [0, h) x [0, w)
 * (the first window, padded). A side of M_a changes nothing when the window does not reach past it or when P holds only
 * the fill beyond it (the padding, or fill margins C is known to have from an earlier constant pad). So the outcome is
 * determined by s and the sides of M_a that matter: outcomes alike in those are one family (P, masked by those sides,
 * cut to the windows it holds), their offsets one law. Two stacked RandomCrop(32, padding=4) give 2,401 outcomes for
 * 6,561 draws; when no side ever matters (the whole first window inside the fill margins), one translation law.
 */
export function liftConstantPadWindow(op: WindowOp, m: Mixture): Mixture {
  const pad = op.padding.reduce<Padding>((s, p) => [s[0] + p[0], s[1] + p[1], s[2] + p[2], s[3] + p[3]], [0, 0, 0, 0]);
  const [left, top] = pad;
  const { height: h, width: w } = m.shape;
  const { height: oh, width: ow } = op.output;
  const families = m.families.flatMap((f): WindowFamily[] => {
    const base = f.base;
    const fill = fillValues(op.fill, base.channels);
    const known = knownContent(base);
    const c = known && sameFill(known.fill, fill) ? known : { top: 0, bottom: base.height, left: 0, right: base.width, fill };
    const padded = padImage(base, pad, 'constant', op.fill);
    const groups = new Map<string, { sides: Sides; s: number[]; p: number[] }>();
    for (let i = 0; i < f.offsets.p.length; i++) {
      const ay = f.offsets.dy[i];
      const ax = f.offsets.dx[i];
      for (let j = 0; j < op.offsets.p.length; j++) {
        const p = f.offsets.p[i] * op.offsets.p[j];
        if (p === 0) continue;
        const by = op.offsets.dy[j];
        const bx = op.offsets.dx[j];
        const rows = sidesThatMatter(ay, by, top, h, oh, c.top, c.bottom);
        const cols = sidesThatMatter(ax, bx, left, w, ow, c.left, c.right);
        const key = `${rows[0]},${rows[1]},${cols[0]},${cols[1]}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { sides: { rows, cols }, s: [], p: [] }));
        g.s.push(ay + by, ax + bx);
        g.p.push(p);
      }
    }
    const content = { top: c.top + top, bottom: c.bottom + top, left: c.left + left, right: c.right + left, fill };
    return [...groups.values()].map((g) => maskedFamily(padded, content, g, f.weight, op.output));
  });
  return { shape: op.output, families };
}

/** The sides [lo, hi) of the first window (in padded coordinates) that the outcome depends on; null: one that does not. */
type Side = number | null;
interface Sides {
  readonly rows: readonly [Side, Side];
  readonly cols: readonly [Side, Side];
}

function sidesThatMatter(a: number, b: number, before: number, size: number, outSize: number, contentLo: number, contentHi: number): [Side, Side] {
  // The low side a + before matters iff it lies inside the window (b < before) and past the content's start (a > contentLo).
  const lo = b < before && a > contentLo ? a + before : null;
  // The high side a + before + size: inside the window (before + size < b + outSize) and before the content's end.
  const hi = before + size < b + outSize && a + size < contentHi ? a + before + size : null;
  return [lo, hi];
}

function maskedFamily(padded: Image, content: CanvasContent, g: { sides: Sides; s: number[]; p: number[] }, weight: number, out: { height: number; width: number }): WindowFamily {
  let y0 = Infinity, y1 = -Infinity, x0 = Infinity, x1 = -Infinity;
  for (let k = 0; k < g.s.length; k += 2) {
    y0 = Math.min(y0, g.s[k]);
    y1 = Math.max(y1, g.s[k] + out.height);
    x0 = Math.min(x0, g.s[k + 1]);
    x1 = Math.max(x1, g.s[k + 1] + out.width);
  }
  const [rlo, rhi] = g.sides.rows;
  const [clo, chi] = g.sides.cols;
  // Kept region of the padded canvas: the content, inside the sides that matter, in the windows' bounding box.
  const keep = {
    top: Math.max(content.top, rlo ?? -Infinity, y0),
    bottom: Math.min(content.bottom, rhi ?? Infinity, y1),
    left: Math.max(content.left, clo ?? -Infinity, x0),
    right: Math.min(content.right, chi ?? Infinity, x1),
  };
  const channels = padded.channels;
  const H = y1 - y0;
  const W = x1 - x0;
  const base = createImage(channels, H, W);
  for (let ch = 0; ch < channels; ch++) {
    const plane = base.data.subarray(ch * H * W, (ch + 1) * H * W);
    plane.fill(content.fill[ch]);
    for (let y = keep.top; y < keep.bottom; y++) {
      const src = (ch * padded.height + y) * padded.width;
      plane.set(padded.data.subarray(src + keep.left, src + Math.max(keep.left, keep.right)), (y - y0) * W + keep.left - x0);
    }
  }
  rememberContent(base, { top: keep.top - y0, bottom: Math.max(keep.top, keep.bottom) - y0, left: keep.left - x0, right: Math.max(keep.left, keep.right) - x0, fill: content.fill });
  const law = new Map<number, { dy: number; dx: number; p: number }>();
  const total = g.p.reduce((a, b) => a + b, 0);
  for (let k = 0; k < g.p.length; k++) {
    const dy = g.s[2 * k] - y0;
    const dx = g.s[2 * k + 1] - x0;
    const e = law.get(dy * 1048576 + dx);
    if (e) e.p += g.p[k] / total;
    else law.set(dy * 1048576 + dx, { dy, dx, p: g.p[k] / total });
  }
  const entries = [...law.values()];
  return {
    weight: weight * total,
    base,
    offsets: { dy: Int32Array.from(entries, (e) => e.dy), dx: Int32Array.from(entries, (e) => e.dx), p: Float64Array.from(entries, (e) => e.p) },
  };
}

function sameFill(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
