/** A finite distribution over integer window offsets (dy, dx), probabilities summing to 1. */
export interface OffsetSet {
  readonly dy: Int32Array;
  readonly dx: Int32Array;
  readonly p: Float64Array;
}

export function singleOffset(dy = 0, dx = 0): OffsetSet {
  return { dy: Int32Array.of(dy), dx: Int32Array.of(dx), p: Float64Array.of(1) };
}

/** Product of two independent 1-D distributions (values with probabilities): dy from `rows`, dx from `cols`. */
export function offsetGrid(rows: Distribution1D, cols: Distribution1D): OffsetSet {
  const n = rows.values.length * cols.values.length;
  const dy = new Int32Array(n);
  const dx = new Int32Array(n);
  const p = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < rows.values.length; i++) {
    for (let j = 0; j < cols.values.length; j++, k++) {
      dy[k] = rows.values[i];
      dx[k] = cols.values[j];
      p[k] = rows.p[i] * cols.p[j];
    }
  }
  return { dy, dx, p };
}

export interface Distribution1D {
  readonly values: Int32Array;
  readonly p: Float64Array;
}

/** Uniform over the integers lo..hi, as torch.randint(lo, hi + 1). */
export function uniformIntegers(lo: number, hi: number): Distribution1D {
  const n = hi - lo + 1;
  return { values: Int32Array.from({ length: n }, (_, i) => lo + i), p: new Float64Array(n).fill(1 / n) };
}

/**
 * Law of round(U) for U uniform on [-m, m] (RandomAffine's translations): P(k) = |[k - 1/2, k + 1/2] ∩ [-m, m]| / 2m.
 * Ties of round() have probability zero, so the half-to-even rule does not matter.
 */
export function roundedUniform(m: number): Distribution1D {
  if (m === 0) return { values: Int32Array.of(0), p: Float64Array.of(1) };
  const kmax = Math.ceil(m + 0.5);
  const values: number[] = [];
  const p: number[] = [];
  for (let k = -kmax; k <= kmax; k++) {
    const len = Math.min(k + 0.5, m) - Math.max(k - 0.5, -m);
    if (len > 0) {
      values.push(k);
      p.push(len / (2 * m));
    }
  }
  return { values: Int32Array.from(values), p: Float64Array.from(p) };
}

/** Offsets of a window inside a window: the distribution of a + b, equal sums merged. */
export function addOffsets(a: OffsetSet, b: OffsetSet): OffsetSet {
  const merged = new Map<number, { dy: number; dx: number; p: number }>();
  for (let i = 0; i < a.p.length; i++) {
    for (let j = 0; j < b.p.length; j++) {
      const dy = a.dy[i] + b.dy[j];
      const dx = a.dx[i] + b.dx[j];
      const key = dy * 1048576 + dx;
      const e = merged.get(key);
      if (e) e.p += a.p[i] * b.p[j];
      else merged.set(key, { dy, dx, p: a.p[i] * b.p[j] });
    }
  }
  const entries = [...merged.values()];
  return {
    dy: Int32Array.from(entries, (e) => e.dy),
    dx: Int32Array.from(entries, (e) => e.dx),
    p: Float64Array.from(entries, (e) => e.p),
  };
}

/** Marginals when p(dy, dx) = p(dy) p(dx) on a full rectangular grid, else null. */
export function separableMarginals(o: OffsetSet): { rows: Distribution1D; cols: Distribution1D } | null {
  const rowP = new Map<number, number>();
  const colP = new Map<number, number>();
  for (let k = 0; k < o.p.length; k++) {
    rowP.set(o.dy[k], (rowP.get(o.dy[k]) ?? 0) + o.p[k]);
    colP.set(o.dx[k], (colP.get(o.dx[k]) ?? 0) + o.p[k]);
  }
  if (rowP.size * colP.size !== o.p.length) return null;
  for (let k = 0; k < o.p.length; k++) {
    const expected = rowP.get(o.dy[k])! * colP.get(o.dx[k])!;
    if (Math.abs(o.p[k] - expected) > 1e-12 * Math.max(expected, 1e-300)) return null;
  }
  const toDist = (m: Map<number, number>): Distribution1D => {
    const keys = [...m.keys()].sort((x, y) => x - y);
    return { values: Int32Array.from(keys), p: Float64Array.from(keys, (k) => m.get(k)!) };
  };
  return { rows: toDist(rowP), cols: toDist(colP) };
}
