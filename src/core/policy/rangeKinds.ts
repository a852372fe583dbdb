import { formatNumber, formatTuple, invalid, items, number, type ValueKind } from './kinds';
import type { JitterRange } from './types';

/** Any finite number (GaussianNoise's mean). */
export const real: ValueKind<number> = {
  read: (node, ctx) => number(node, ctx, 'must be a number'),
  write: formatNumber,
};

export const nonNegative: ValueKind<number> = {
  read(node, ctx) {
    const value = number(node, ctx, 'must be a non-negative number');
    if (value < 0) invalid(node, ctx, 'must be a non-negative number');
    return value;
  },
  write: formatNumber,
};

/**
 * ColorJitter's `_check_input`: a number v gives [center - v, center + v] (the lower end clipped at 0 for
 * brightness, contrast and saturation); a pair (min, max) must satisfy bound[0] <= min <= max <= bound[1].
 * The range collapsed on the centre (0, or (1, 1); (0, 0) for hue) means the adjustment is off: null.
 */
export function jitterRange(center: number, bound: readonly [number, number], clipFirstOnZero: boolean): ValueKind<JitterRange> {
  const boundText = `[${bound.map((b) => (Number.isFinite(b) ? formatNumber(b) : 'inf')).join(', ')}]`;
  return {
    read(node, ctx) {
      const seq = items(node, [2]);
      let range: [number, number];
      if (seq) {
        const [lo, hi] = seq.map((n) => number(n, ctx, 'must be a non-negative number or a pair (min, max)'));
        if (!(bound[0] <= lo && lo <= hi && hi <= bound[1])) invalid(node, ctx, `must be a pair (min, max) with values in ${boundText}`);
        range = [lo, hi];
      } else {
        const v = number(node, ctx, 'must be a non-negative number or a pair (min, max)');
        if (v < 0) invalid(node, ctx, 'must be non-negative when it is a single number');
        if (!clipFirstOnZero && v > bound[1]) invalid(node, ctx, `must be at most ${formatNumber(bound[1])}`);
        range = [clipFirstOnZero ? Math.max(center - v, 0) : center - v, center + v];
      }
      return range[0] === center && range[1] === center ? null : range;
    },
    write: (value) => (value === null ? '0' : formatTuple(value)),
  };
}

/** GaussianBlur's kernel_size as `_setup_size`: an int k is (k, k); each size odd and positive; [x size, y size]. */
export const kernelSize: ValueKind<readonly [number, number]> = {
  read(node, ctx) {
    const detail = 'must be an odd positive int or a pair of them';
    const seq = items(node, [1, 2]);
    const values = (seq ?? [node]).map((n) => {
      const v = number(n, ctx, detail);
      if (!Number.isInteger(v) || v <= 0 || v % 2 === 0) invalid(node, ctx, detail);
      return v;
    });
    return [values[0], values[1] ?? values[0]];
  },
  write: (value) => formatTuple(value),
};

/** GaussianBlur's sigma: a number s > 0 is (s, s); a pair must satisfy 0 < min <= max. */
export const blurSigma: ValueKind<readonly [number, number]> = {
  read(node, ctx) {
    const seq = items(node, [2]);
    if (!seq) {
      const s = number(node, ctx, 'must be a positive number or a pair (min, max)');
      if (s <= 0) invalid(node, ctx, 'must be positive');
      return [s, s];
    }
    const [lo, hi] = seq.map((n) => number(n, ctx, 'must be a positive number or a pair (min, max)'));
    if (!(lo > 0 && lo <= hi)) invalid(node, ctx, 'must be a pair (min, max) with 0 < min <= max');
    return [lo, hi];
  },
  write: (value) => formatTuple(value),
};

/** RandomErasing's value: a number, a sequence of numbers (one or one per channel), or 'random'. */
export const erasingValue: ValueKind<number | readonly number[] | 'random'> = {
  read(node, ctx) {
    const detail = "must be a number, a sequence of numbers or 'random'";
    if (node.type === 'string') {
      if (node.value !== 'random') invalid(node, ctx, detail);
      return 'random';
    }
    const seq = items(node);
    if (!seq) return number(node, ctx, detail);
    if (seq.length === 0) invalid(node, ctx, detail);
    return seq.map((n) => number(n, ctx, detail));
  },
  write: (value) => (value === 'random' ? "'random'" : typeof value === 'number' ? formatNumber(value) : formatTuple(value)),
};
