import { isLazy } from './lazyFamily';
import type { Mixture, WindowFamily } from './mixture';
import type { OffsetSet } from './offsets';

/**
 * Families over the very same canvas object are one family: weights add and the offset laws mix, equal offsets summed.
 * Exact by construction (same canvas, same windows). Lazy families are never merged: each read computes a new canvas.
 */
export function mergeSameCanvas(m: Mixture): Mixture {
  const groups = new Map<WindowFamily['base'], WindowFamily[]>();
  const order: (WindowFamily | WindowFamily[])[] = [];
  for (const f of m.families) {
    if (isLazy(f)) {
      order.push(f);
      continue;
    }
    const group = groups.get(f.base);
    if (group) group.push(f);
    else {
      const fresh = [f];
      groups.set(f.base, fresh);
      order.push(fresh);
    }
  }
  if (order.length === m.families.length) return m;
  return { shape: m.shape, families: order.map((g) => (Array.isArray(g) ? mergeGroup(g) : g)) };
}

function mergeGroup(group: readonly WindowFamily[]): WindowFamily {
  if (group.length === 1) return group[0];
  const weight = group.reduce((s, f) => s + f.weight, 0);
  const merged = new Map<number, { dy: number; dx: number; p: number }>();
  for (const f of group) {
    const share = weight > 0 ? f.weight / weight : 1 / group.length;
    for (let k = 0; k < f.offsets.p.length; k++) {
      const key = f.offsets.dy[k] * 1048576 + f.offsets.dx[k];
      const e = merged.get(key);
      if (e) e.p += share * f.offsets.p[k];
      else merged.set(key, { dy: f.offsets.dy[k], dx: f.offsets.dx[k], p: share * f.offsets.p[k] });
    }
  }
  const entries = [...merged.values()];
  const offsets: OffsetSet = {
    dy: Int32Array.from(entries, (e) => e.dy),
    dx: Int32Array.from(entries, (e) => e.dx),
    p: Float64Array.from(entries, (e) => e.p),
  };
  return { weight, base: group[0].base, offsets };
}
