import { axisWeights, type AxisTaps, type ResizeOptions } from '../augment/resize';
import type { ResizedCropLaw } from '../augment/resizedCropLaw';
import type { Image } from '../image';
import type { MatrixProduct } from '../linalg/matrixProduct';
import type { Interpolation } from '../policy/types';

export interface ResizedCropMomentsSpec {
  /** Output [OH, OW]. */
  readonly size: readonly [number, number];
  readonly interpolation: Interpolation;
  readonly antialias: boolean;
  /** The law of (h, w) and the fallback crop, resizedCropLaw(H, W, scale, ratio) of this image's size. */
  readonly law: ResizedCropLaw;
}

export interface ResizedCropMomentsResult {
  /** E[y] per output value, CHW (C x OH x OW). */
  readonly mean: Float64Array;
  /** Var[y] = E[(y - c)^2] - (E[y] - c)^2 with c the channel's mean over the input image, clamped at 0. */
  readonly variance: Float64Array;
  /** E[y^2] (the raw second moment; variance + mean^2 up to rounding). */
  readonly second: Float64Array;
}

export interface ResizedCropMomentsOptions {
  /**
   * Largest matrix-product operand (A or B) in bytes, float64 or float32 as the product takes them; the shared k
   * dimension is chunked to fit (default 64 MiB). Two chunks' operands are alive at a time (one in the product).
   */
  readonly maxOperandBytes?: number;
  /** Most bytes of Q prefix sums held at once; more row offsets dy are taken in batches (default 64 MiB). */
  readonly maxPrefixBytes?: number;
}

const DEFAULT_OPERAND_BYTES = 64 * 2 ** 20;
const DEFAULT_PREFIX_BYTES = 64 * 2 ** 20;

/**
 * Exact per-pixel moments of RandomResizedCrop: y = resize(x[i:i+h, j:j+w], OH, OW) with (h, w) from the law and the
 * corner (i, j) uniform over its ni nj = (H - h + 1)(W - w + 1) positions, plus the fallback's fixed crop. No outcome
 * is enumerated. With z = x - c (c the per-channel mean; resize weights sum to 1, so y - c = resize(crop(z))), row
 * taps (sy_t = start + t, ry_t) of axisWeights(h, OH) at py and column taps (sx_s, rx_s) of axisWeights(w, OW) at px:
 *
 *   E[y - c] = sum_h sum_b Y_h[py, b] K_h[px, b],
 *     Y_h[py, b] = sum_t ry_t / ni * sum_{a in [sy_t, sy_t + ni)} z[a, b],
 *     K_h[px, b] = sum_w P(h, w) / nj * sum_s rx_s [sx_s <= b < sx_s + nj];
 *   E[(y - c)^2] = sum_h sum_dx sum_b Y_h^dx[py, b] K_h^dx[px, b],
 *     Y_h^dx[py, b] = sum_{t, t'} ry_t ry_t' / ni * sum_{a in [sy_t, sy_t + ni)} Q_{t' - t, dx}[a, b],
 *     K_h^dx[px, b] = m_dx sum_w P(h, w) / nj * sum_{s: s + dx a tap} rx_s rx_{s+dx} [sx_s <= b < sx_s + nj],
 *     Q_{dy, dx}[a, b] = z[a, b] z[a + dy, b + dx], dx >= 0 only, m_0 = 1 and m_dx = 2 for dx > 0
 *   (the terms (t, t', s, s') and (t', t, s', s) are equal, so the class -dx sums to the class dx).
 * The row box sums come from column-wise prefix sums of z and of each Q; K is built with difference arrays over b.
 * Each sum over (h, b) is one matrix product (C OH) x (sum_h W [x taps]) by (...) x OW, concatenated over the
 * blocks (h[, dx]) and chunked in k so that no operand exceeds maxOperandBytes; the next chunk is built while the
 * product of the previous one runs. Everything here is float64 up to the operands; the product decides the rest
 * (exactMatrixProduct keeps float64; a product with a `float32` entry gets float32 operands, rounded once).
 * Returns E[y], Var[y] and E[y^2] in float64.
 */
export async function resizedCropMoments(
  img: Image,
  crop: ResizedCropMomentsSpec,
  product: MatrixProduct,
  options: ResizedCropMomentsOptions = {},
): Promise<ResizedCropMomentsResult> {
  const { channels: C, height: H, width: W } = img;
  const [OH, OW] = crop.size;
  if (crop.interpolation === 'bicubic') {
    throw new Error('RandomResizedCrop moments: interpolation BICUBIC is not supported (BILINEAR with or without antialias, NEAREST and NEAREST_EXACT are)');
  }
  if (!(Number.isInteger(OH) && Number.isInteger(OW) && OH >= 1 && OW >= 1)) throw new Error(`RandomResizedCrop moments: bad output size ${OH}x${OW}`);
  const opts: ResizeOptions = { interpolation: crop.interpolation, antialias: crop.antialias };
  const { law } = crop;
  for (const a of law.sizes) {
    if (!(Number.isInteger(a.h) && Number.isInteger(a.w) && a.h >= 1 && a.w >= 1 && a.h <= H && a.w <= W)) {
      throw new Error(`RandomResizedCrop moments: crop size ${a.h}x${a.w} does not fit the ${H}x${W} image (is the law for this image?)`);
    }
  }
  const fb = law.fallback;
  if (fb.p > 0 && (fb.top < 0 || fb.left < 0 || fb.top + fb.h > H || fb.left + fb.w > W)) {
    throw new Error(`RandomResizedCrop moments: fallback crop ${fb.h}x${fb.w} at (${fb.top}, ${fb.left}) leaves the ${H}x${W} image`);
  }

  // z = x - c per channel, float64.
  const centre = new Float64Array(C);
  const z = new Float64Array(C * H * W);
  for (let ch = 0; ch < C; ch++) {
    const plane = img.data.subarray(ch * H * W, (ch + 1) * H * W);
    let s = 0;
    for (let i = 0; i < plane.length; i++) s += plane[i];
    centre[ch] = s / plane.length;
    for (let i = 0; i < plane.length; i++) z[ch * H * W + i] = plane[i] - centre[ch];
  }

  // Atoms grouped by height; taps per height (rows) and per width (columns).
  const byHeight = new Map<number, { w: number; p: number }[]>();
  for (const a of law.sizes) {
    if (!(a.p > 0)) continue;
    const list = byHeight.get(a.h) ?? [];
    list.push({ w: a.w, p: a.p });
    byHeight.set(a.h, list);
  }
  const colTapsCache = new Map<number, AxisTaps>();
  const colTaps = (w: number): AxisTaps => {
    let t = colTapsCache.get(w);
    if (!t) colTapsCache.set(w, (t = axisWeights(w, OW, opts)));
    return t;
  };
  const heights: HeightGroup[] = [...byHeight.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([h, atoms]) => {
      const rows = axisWeights(h, OH, opts);
      const cols = atoms.map((a) => ({ ...a, nj: W - a.w + 1, taps: colTaps(a.w) }));
      return { h, ni: H - h + 1, rows, atoms: cols, rowTaps: maxTaps(rows), colTaps: Math.max(...cols.map((a) => maxTaps(a.taps))) };
    });

  const m = C * OH;
  const maxBytes = options.maxOperandBytes ?? DEFAULT_OPERAND_BYTES;
  const bytes = product.float32 ? 4 : 8;
  const kMax = Math.max(1, Math.floor(maxBytes / bytes / Math.max(m, OW)));
  const ctx: Context = { z, C, H, W, OH, OW, m, prefixBytes: options.maxPrefixBytes ?? DEFAULT_PREFIX_BYTES };

  const meanBlocks: Block[] = heights.map((g) => ({ g, dx: -1 }));
  const secondBlocks: Block[] = heights.flatMap((g) => Array.from({ length: g.colTaps }, (_, dx) => ({ g, dx })));
  const [meanZ, m2] = await chunkedProducts(ctx, [meanBlocks, secondBlocks], kMax, product);

  if (fb.p > 0) {
    const y = resizeCrop64(ctx, fb.top, fb.left, fb.h, fb.w, opts);
    for (let i = 0; i < y.length; i++) {
      meanZ[i] += fb.p * y[i];
      m2[i] += fb.p * y[i] * y[i];
    }
  }

  const n = C * OH * OW;
  const mean = new Float64Array(n);
  const variance = new Float64Array(n);
  const second = new Float64Array(n);
  for (let ch = 0; ch < C; ch++) {
    const c = centre[ch];
    for (let i = ch * OH * OW; i < (ch + 1) * OH * OW; i++) {
      mean[i] = c + meanZ[i];
      variance[i] = Math.max(m2[i] - meanZ[i] * meanZ[i], 0);
      second[i] = m2[i] + c * (2 * meanZ[i] + c);
    }
  }
  return { mean, variance, second };
}

interface HeightGroup {
  readonly h: number;
  readonly ni: number;
  readonly rows: AxisTaps;
  readonly atoms: readonly { readonly w: number; readonly p: number; readonly nj: number; readonly taps: AxisTaps }[];
  /** Most taps of any output row / column (bounds |dy| and dx). */
  readonly rowTaps: number;
  readonly colTaps: number;
}

/** One block of the k dimension: W columns b for height group g; dx = -1 for the mean, else the column tap offset. */
interface Block {
  readonly g: HeightGroup;
  readonly dx: number;
}

/** Columns [b0, b1) of a block placed at column `offset` of a chunk. */
interface Segment {
  readonly block: Block;
  readonly b0: number;
  readonly b1: number;
  readonly offset: number;
}

interface Context {
  readonly z: Float64Array;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly OH: number;
  readonly OW: number;
  readonly m: number;
  readonly prefixBytes: number;
}

function maxTaps(t: AxisTaps): number {
  return t.weights.reduce((s, w) => Math.max(s, w.length), 1);
}

/**
 * For each list of blocks, sum over its blocks of Y_block K_block^T, (C OH) x OW: the blocks' columns concatenated
 * and cut into chunks of at most kMax columns. The next chunk is built while the product of the previous one runs
 * (when the product is truly asynchronous, as onnxruntime's is); operands are float32 when the product takes them.
 */
async function chunkedProducts(ctx: Context, lists: readonly (readonly Block[])[], kMax: number, product: MatrixProduct): Promise<Float64Array[]> {
  const chunks: { target: number; segments: Segment[]; k: number }[] = [];
  lists.forEach((blocks, target) => {
    let current: Segment[] = [];
    let used = 0;
    const flush = () => {
      if (current.length) chunks.push({ target, segments: current, k: used });
      current = [];
      used = 0;
    };
    for (const block of blocks) {
      for (let b0 = 0; b0 < ctx.W; ) {
        if (used === kMax) flush();
        const b1 = Math.min(ctx.W, b0 + kMax - used);
        current.push({ block, b0, b1, offset: used });
        used += b1 - b0;
        b0 = b1;
      }
    }
    flush();
  });

  const outs = lists.map(() => new Float64Array(ctx.m * ctx.OW));
  // Two sets of operand buffers: one is read by the running product while the next chunk is built in the other.
  const kBuf = Math.max(0, ...chunks.map((c) => c.k));
  const f32 = product.float32;
  const buffers = Array.from({ length: Math.min(2, chunks.length) }, () =>
    f32 ? { a: new Float32Array(ctx.m * kBuf), b: new Float32Array(kBuf * ctx.OW) } : { a: new Float64Array(ctx.m * kBuf), b: new Float64Array(kBuf * ctx.OW) },
  );
  const scratch = new Scratch(ctx);
  let pending: { target: number; result: Promise<Float64Array> } | undefined;
  for (let i = 0; i < chunks.length; i++) {
    const { target, segments, k } = chunks[i];
    const buf = buffers[i % 2];
    const a = buf.a.subarray(0, ctx.m * k);
    const b = buf.b.subarray(0, k * ctx.OW);
    buildRows(ctx, segments, k, a, scratch);
    buildColumns(ctx, segments, k, b, scratch);
    if (pending) accumulate(outs[pending.target], await pending.result);
    const result = a instanceof Float32Array && b instanceof Float32Array ? f32!(a, b, ctx.m, k, ctx.OW) : product(a as Float64Array, b as Float64Array, ctx.m, k, ctx.OW);
    // Awaited below; the no-op handler keeps a failure from being reported as unhandled if building the next chunk throws.
    result.catch(() => undefined);
    pending = { target, result };
  }
  if (pending) accumulate(outs[pending.target], await pending.result);
  return outs;
}

/** Work arrays reused across chunks. */
class Scratch {
  private prefixes = new Float64Array(0);
  private termArrays: Terms = { coef: new Float64Array(0), lo: new Int32Array(0), hi: new Int32Array(0) };
  readonly diff: Float64Array;
  readonly row: Float64Array;

  constructor(ctx: Context) {
    this.diff = new Float64Array(ctx.W * ctx.OW);
    this.row = new Float64Array(ctx.W);
  }

  prefix(size: number): Float64Array {
    if (this.prefixes.length < size) this.prefixes = new Float64Array(size);
    return this.prefixes;
  }

  terms(size: number): Terms {
    if (this.termArrays.coef.length < size) this.termArrays = { coef: new Float64Array(size), lo: new Int32Array(size), hi: new Int32Array(size) };
    return this.termArrays;
  }
}

function accumulate(out: Float64Array, c: Float64Array): void {
  if (c.length !== out.length) throw new Error(`matrix product returned ${c.length} values, expected ${out.length}`);
  for (let i = 0; i < out.length; i++) out[i] += c[i];
}

/**
 * The A operand (C OH) x k: for the mean Y_h[py, b] = sum_t ry_t / ni * rowbox(z)[sy_t, b]; for dx >= 0
 * Y_h^dx[py, b] = sum_{t, t'} ry_t ry_t' / ni * rowbox(Q_{t'-t, dx})[sy_t, b], rowbox over [sy_t, sy_t + ni).
 * For dx = 0 the pairs (t, t') and (t', t) have equal box sums (Q_{-dy, 0}[a, b] = Q_{dy, 0}[a - dy, b]): only
 * dy >= 0 is formed, twice for dy > 0. Each row of A is summed in a small buffer and written once.
 */
function buildRows(ctx: Context, chunk: readonly Segment[], k: number, a: Float64Array | Float32Array, scratch: Scratch): void {
  const { C, H, W, OH } = ctx;
  const plane = (H + 1) * W;
  const { row } = scratch;
  const dxs = [...new Set(chunk.map((s) => s.block.dx))].sort((x, y) => x - y);
  for (let ch = 0; ch < C; ch++) {
    for (const dx of dxs) {
      const segments = chunk.filter((s) => s.block.dx === dx);
      const dyMax = dx < 0 ? 0 : Math.max(...segments.map((s) => s.block.g.rowTaps)) - 1;
      const dys: number[] = [];
      for (let dy = dx === 0 ? 0 : -dyMax; dy <= dyMax; dy++) dys.push(dy);
      const batch = Math.max(1, Math.min(dys.length, Math.floor(ctx.prefixBytes / 8 / plane)));
      const prefix = scratch.prefix(batch * plane);
      for (let d0 = 0; d0 < dys.length; d0 += batch) {
        const group = dys.slice(d0, d0 + batch);
        const terms = scratch.terms(group.length * Math.max(...segments.map((s) => s.block.g.rowTaps)));
        group.forEach((dy, i) => columnPrefix(ctx, ch, dy, dx, prefix.subarray(i * plane, (i + 1) * plane)));
        for (const seg of segments) {
          const { ni, rows, rowTaps } = seg.block.g;
          const { b0, b1 } = seg;
          for (let py = 0; py < OH; py++) {
            const w = rows.weights[py];
            const start = rows.start[py];
            let n = 0;
            for (let i = 0; i < group.length; i++) {
              const dy = group[i];
              if (Math.abs(dy) >= rowTaps) continue;
              const twice = dx === 0 && dy > 0 ? 2 : 1;
              const tHi = Math.min(w.length, w.length - dy);
              for (let t = Math.max(0, -dy); t < tHi; t++) {
                const coef = (twice * (dx < 0 ? w[t] : w[t] * w[t + dy])) / ni;
                if (coef === 0) continue;
                terms.coef[n] = coef;
                terms.lo[n] = i * plane + (start + t) * W;
                terms.hi[n] = terms.lo[n] + ni * W;
                n++;
              }
            }
            // The row is summed in float64 and stored once (rounded once when A is float32). The first batch
            // writes every value of the segment (the buffer is reused), later ones add.
            const base = (ch * OH + py) * k + seg.offset - b0;
            if (a instanceof Float32Array && d0 === 0 && n <= 4) {
              combineInto32(a, base, prefix, terms, n, b0, b1);
              continue;
            }
            combineTerms(row, prefix, terms, n, b0, b1);
            if (a instanceof Float32Array) storeRow32(a, base, row, b0, b1, d0 > 0);
            else storeRow64(a, base, row, b0, b1, d0 > 0);
          }
        }
      }
    }
  }
}

/** a[base + b] = row[b] (or +=) for b in [b0, b1); one monomorphic loop per array type (TypedArray.set across types is slow). */
function storeRow32(a: Float32Array, base: number, row: Float64Array, b0: number, b1: number, add: boolean): void {
  if (add) for (let b = b0; b < b1; b++) a[base + b] += row[b];
  else for (let b = b0; b < b1; b++) a[base + b] = row[b];
}

function storeRow64(a: Float64Array, base: number, row: Float64Array, b0: number, b1: number, add: boolean): void {
  if (add) for (let b = b0; b < b1; b++) a[base + b] += row[b];
  else for (let b = b0; b < b1; b++) a[base + b] = row[b];
}

/** a[base + b] = sum_{j < n} coef_j (prefix[hi_j + b] - prefix[lo_j + b]) for n <= 4, summed in float64, rounded once. */
function combineInto32(a: Float32Array, base: number, p: Float64Array, terms: Terms, n: number, b0: number, b1: number): void {
  const { coef, lo, hi } = terms;
  const c0 = n > 0 ? coef[0] : 0;
  const c1 = n > 1 ? coef[1] : 0;
  const c2 = n > 2 ? coef[2] : 0;
  const c3 = n > 3 ? coef[3] : 0;
  // Absent terms read row 0 with weight 0.
  const l0 = n > 0 ? lo[0] : 0;
  const h0 = n > 0 ? hi[0] : 0;
  const l1 = n > 1 ? lo[1] : 0;
  const h1 = n > 1 ? hi[1] : 0;
  const l2 = n > 2 ? lo[2] : 0;
  const h2 = n > 2 ? hi[2] : 0;
  const l3 = n > 3 ? lo[3] : 0;
  const h3 = n > 3 ? hi[3] : 0;
  if (n <= 2) {
    for (let b = b0; b < b1; b++) a[base + b] = c0 * (p[h0 + b] - p[l0 + b]) + c1 * (p[h1 + b] - p[l1 + b]);
  } else if (n === 3) {
    for (let b = b0; b < b1; b++) a[base + b] = c0 * (p[h0 + b] - p[l0 + b]) + c1 * (p[h1 + b] - p[l1 + b]) + c2 * (p[h2 + b] - p[l2 + b]);
  } else {
    for (let b = b0; b < b1; b++) {
      a[base + b] = c0 * (p[h0 + b] - p[l0 + b]) + c1 * (p[h1 + b] - p[l1 + b]) + c2 * (p[h2 + b] - p[l2 + b]) + c3 * (p[h3 + b] - p[l3 + b]);
    }
  }
}

/** Box-sum terms of one row of A: coef * (prefix[hi + b] - prefix[lo + b]). */
interface Terms {
  coef: Float64Array;
  lo: Int32Array;
  hi: Int32Array;
}

/**
 * row[b] = sum_{j < n} coef_j (prefix[hi_j + b] - prefix[lo_j + b]) for b in [b0, b1): up to four terms in one
 * pass (bilinear needs two to four), more in further passes of up to four.
 */
function combineTerms(row: Float64Array, p: Float64Array, terms: Terms, n: number, b0: number, b1: number): void {
  const { coef, lo, hi } = terms;
  if (n === 0) row.fill(0, b0, b1);
  for (let j = 0; j < n; j += 4) {
    // The first pass stores, later ones add.
    const first = j === 0;
    const m = Math.min(4, n - j);
    const c0 = coef[j];
    const l0 = lo[j];
    const h0 = hi[j];
    if (m === 1) {
      if (first) for (let b = b0; b < b1; b++) row[b] = c0 * (p[h0 + b] - p[l0 + b]);
      else for (let b = b0; b < b1; b++) row[b] += c0 * (p[h0 + b] - p[l0 + b]);
      continue;
    }
    const c1 = coef[j + 1];
    const l1 = lo[j + 1];
    const h1 = hi[j + 1];
    if (m === 2) {
      if (first) for (let b = b0; b < b1; b++) row[b] = c0 * (p[h0 + b] - p[l0 + b]) + c1 * (p[h1 + b] - p[l1 + b]);
      else for (let b = b0; b < b1; b++) row[b] += c0 * (p[h0 + b] - p[l0 + b]) + c1 * (p[h1 + b] - p[l1 + b]);
      continue;
    }
    const c2 = coef[j + 2];
    const l2 = lo[j + 2];
    const h2 = hi[j + 2];
    if (m === 3) {
      if (first) for (let b = b0; b < b1; b++) row[b] = c0 * (p[h0 + b] - p[l0 + b]) + c1 * (p[h1 + b] - p[l1 + b]) + c2 * (p[h2 + b] - p[l2 + b]);
      else for (let b = b0; b < b1; b++) row[b] += c0 * (p[h0 + b] - p[l0 + b]) + c1 * (p[h1 + b] - p[l1 + b]) + c2 * (p[h2 + b] - p[l2 + b]);
      continue;
    }
    const c3 = coef[j + 3];
    const l3 = lo[j + 3];
    const h3 = hi[j + 3];
    if (first) {
      for (let b = b0; b < b1; b++) row[b] = c0 * (p[h0 + b] - p[l0 + b]) + c1 * (p[h1 + b] - p[l1 + b]) + c2 * (p[h2 + b] - p[l2 + b]) + c3 * (p[h3 + b] - p[l3 + b]);
    } else {
      for (let b = b0; b < b1; b++) row[b] += c0 * (p[h0 + b] - p[l0 + b]) + c1 * (p[h1 + b] - p[l1 + b]) + c2 * (p[h2 + b] - p[l2 + b]) + c3 * (p[h3 + b] - p[l3 + b]);
    }
  }
}

/**
 * Column-wise prefix sums over rows of z (dx < 0) or of Q_{dy, dx}[a, b] = z[a, b] z[a + dy, b + dx] (0 where a + dy
 * or b + dx leaves the image): prefix[(a + 1) W + b] = sum_{a' <= a} Q[a', b].
 */
function columnPrefix(ctx: Context, ch: number, dy: number, dx: number, prefix: Float64Array): void {
  const { z, H, W } = ctx;
  const plane = ch * H * W;
  prefix.fill(0, 0, W);
  for (let r = 0; r < H; r++) {
    const prev = r * W;
    const next = (r + 1) * W;
    const row = plane + r * W;
    if (dx < 0) {
      for (let b = 0; b < W; b++) prefix[next + b] = prefix[prev + b] + z[row + b];
      continue;
    }
    const r2 = r + dy;
    if (r2 < 0 || r2 >= H) {
      for (let b = 0; b < W; b++) prefix[next + b] = prefix[prev + b];
      continue;
    }
    const row2 = plane + r2 * W + dx;
    const bEnd = W - dx;
    for (let b = 0; b < bEnd; b++) prefix[next + b] = prefix[prev + b] + z[row + b] * z[row2 + b];
    for (let b = Math.max(bEnd, 0); b < W; b++) prefix[next + b] = prefix[prev + b];
  }
}

/**
 * The B operand k x OW: row (offset + b - b0) holds K[., b] of the segment's block, K_h[px, b] = sum_w P / nj *
 * sum_s v_s [sx_s <= b < sx_s + nj] with v_s = rx_s (mean) or m_dx rx_s rx_{s+dx}: a difference array over b in
 * float64, running sums (every term is positive), then copied (rounded once when B is float32).
 */
function buildColumns(ctx: Context, chunk: readonly Segment[], k: number, out: Float64Array | Float32Array, scratch: Scratch): void {
  const { OW } = ctx;
  if (out.length !== k * OW) throw new Error('internal: B operand of the wrong size');
  const { diff } = scratch;
  // diff is all zeros between blocks (cleared after each).
  for (const seg of chunk) {
    const { g, dx } = seg.block;
    const { b0, b1 } = seg;
    const mult = dx > 0 ? 2 : 1;
    const pairs = dx < 0 ? 0 : dx;
    for (const atom of g.atoms) {
      const scale = (mult * atom.p) / atom.nj;
      const { start, weights } = atom.taps;
      const nj = atom.nj;
      for (let px = 0; px < OW; px++) {
        const w = weights[px];
        const sEnd = w.length - pairs;
        for (let s = 0; s < sEnd; s++) {
          const v = scale * (dx < 0 ? w[s] : w[s] * w[s + dx]);
          if (v === 0) continue;
          const lo = start[px] + s;
          if (lo < b1) diff[lo * OW + px] += v;
          if (lo + nj < b1) diff[(lo + nj) * OW + px] -= v;
        }
      }
    }
    // K[., b] = sum_{b' <= b} diff[b', .]; rows b0..b1-1 go to B, and diff is cleared on the way.
    if (out instanceof Float32Array) runningSum32(diff, out, (seg.offset - b0) * OW, b0 * OW, b1 * OW, OW);
    else runningSum64(diff, out, (seg.offset - b0) * OW, b0 * OW, b1 * OW, OW);
    diff.fill(0, 0, b1 * OW);
  }
}

/**
 * diff[i] += diff[i - stride] for i in [stride, end) (running sums down the rows of a row-major array with `stride`
 * columns), copying entries [from, end) to out[base + i]; one monomorphic loop per output type.
 */
function runningSum32(diff: Float64Array, out: Float32Array, base: number, from: number, end: number, stride: number): void {
  for (let i = 0; i < Math.min(stride, end); i++) if (i >= from) out[base + i] = diff[i];
  for (let i = stride; i < end; i++) {
    const v = diff[i] + diff[i - stride];
    diff[i] = v;
    if (i >= from) out[base + i] = v;
  }
}

function runningSum64(diff: Float64Array, out: Float64Array, base: number, from: number, end: number, stride: number): void {
  for (let i = 0; i < Math.min(stride, end); i++) if (i >= from) out[base + i] = diff[i];
  for (let i = stride; i < end; i++) {
    const v = diff[i] + diff[i - stride];
    diff[i] = v;
    if (i >= from) out[base + i] = v;
  }
}

/** resize(z[top:top+h, left:left+w]) to OH x OW in float64, the same separable taps as resizeImage. */
function resizeCrop64(ctx: Context, top: number, left: number, h: number, w: number, opts: ResizeOptions): Float64Array {
  const { z, C, H, W, OH, OW } = ctx;
  const rows = axisWeights(h, OH, opts);
  const cols = axisWeights(w, OW, opts);
  const tmp = new Float64Array(h * OW);
  const out = new Float64Array(C * OH * OW);
  for (let ch = 0; ch < C; ch++) {
    for (let r = 0; r < h; r++) {
      const src = ch * H * W + (top + r) * W + left;
      for (let px = 0; px < OW; px++) {
        const wt = cols.weights[px];
        let acc = 0;
        for (let s = 0; s < wt.length; s++) acc += wt[s] * z[src + cols.start[px] + s];
        tmp[r * OW + px] = acc;
      }
    }
    for (let py = 0; py < OH; py++) {
      const wt = rows.weights[py];
      for (let px = 0; px < OW; px++) {
        let acc = 0;
        for (let t = 0; t < wt.length; t++) acc += wt[t] * tmp[(rows.start[py] + t) * OW + px];
        out[(ch * OH + py) * OW + px] = acc;
      }
    }
  }
  return out;
}
