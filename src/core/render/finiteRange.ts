/**
 * The smallest and largest finite values (NaN and infinities are passed over). With no finite value at all the range
 * is empty and this returns null: each caller says what an empty map or series shows.
 */
export function finiteRange(values: Iterable<number>): { lo: number; hi: number } | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo > hi ? null : { lo, hi };
}
