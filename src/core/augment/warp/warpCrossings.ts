/**
 * One source coordinate of an output pixel along a one-parameter warp: s(t) = c + a g(t) + b h(t), with
 * (g, h) = (cos t, sin t) in the angle t (radians) or (1 / t, 0) in the scale t.
 */
export interface SourceLine {
  readonly angle: boolean;
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

/**
 * The levels k + offset, k in [first, last], where the value read at s changes while it still touches the image:
 * nearest (offset 1/2) switches source pixel at k + 1/2 and reads the image only for indices 0..size-1, so
 * k in [-1, size - 1]; bilinear (offset 0) switches cell at the integer k and reads the image only for cells
 * x0 in [-1, size - 1], so k in [-1, size]. Past these levels every state reads the fill alone.
 */
export function crossingLevels(offset: number, size: number): { first: number; last: number } {
  return { first: -1, last: offset === 0 ? size : size - 1 };
}

/** The most crossings `appendCrossings` adds for one coordinate: two per level in the angle, one in the scale. */
export function maxCrossings(angle: boolean, levels: { first: number; last: number }): number {
  return (angle ? 2 : 1) * (levels.last - levels.first + 1);
}

/**
 * Appends to `out` from index n the t in (t0, t1) where s(t) = k + offset for the levels given; returns the new n.
 * In the angle (t1 - t0 <= 2 pi), a cos t + b sin t = r cos(t - phi) reaches the levels within its range over the
 * interval (the ends, and the extrema at phi + k pi) at t = phi +- acos(level / r) + 2 pi m, once per sign since the
 * interval is at most one period long; in the scale (t0 > 0) s is monotone and crosses a level once, at
 * t = a / (level - c).
 */
export function appendCrossings(
  line: SourceLine,
  t0: number,
  t1: number,
  offset: number,
  levels: { first: number; last: number },
  out: Float64Array,
  n: number,
): number {
  const { a, b, c } = line;
  if (!line.angle) {
    const e0 = c + a / t0;
    const e1 = c + a / t1;
    const kLo = Math.max(levels.first, Math.ceil(Math.min(e0, e1) - offset));
    const kHi = Math.min(levels.last, Math.floor(Math.max(e0, e1) - offset));
    for (let k = kLo; k <= kHi; k++) {
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
  const kLo = Math.max(levels.first, Math.ceil(c + lo - offset));
  const kHi = Math.min(levels.last, Math.floor(c + hi - offset));
  for (let k = kLo; k <= kHi; k++) {
    const level = k + offset - c;
    if (Math.abs(level) > r) continue;
    const alpha = Math.acos(level / r);
    for (let sign = -1; sign <= 1; sign += 2) {
      const base = phi + sign * alpha;
      const t = base + 2 * Math.PI * Math.ceil((t0 - base) / (2 * Math.PI));
      if (t > t0 && t < t1) out[n++] = t;
    }
  }
  return n;
}
