import { compositeGauss } from './gaussLegendre';

/** A rule on the unit cube [0, 1]^dims: points (row-major, dims per point) and weights summing to 1. */
export interface CubeRule {
  readonly dims: number;
  readonly points: Float64Array;
  readonly weights: Float64Array;
  readonly size: number;
  /** How it was built, for reports. */
  readonly description: string;
}

/** Panels per dimension at level 0: the tensor rule keeps 8, 16, 8, 16 points in 1, 2, 3, 4 dimensions. */
const PANELS_AT_LEVEL_0 = [1, 4, 2, 1, 1];

/**
 * Tensor product of composite 2-point Gauss-Legendre rules, with 2^level times the level-0 panels in every
 * dimension: refining one level halves every panel (docs/math.md, section 3: composite rules, refined once).
 */
export function tensorGaussRule(dims: number, level: number): CubeRule {
  if (dims === 0) return { dims, points: new Float64Array(0), weights: Float64Array.of(1), size: 1, description: 'no continuous parameter' };
  const panels = (PANELS_AT_LEVEL_0[Math.min(dims, 4)] ?? 1) * 2 ** level;
  const rule = compositeGauss(panels, 2);
  const n = rule.points.length;
  const size = n ** dims;
  const points = new Float64Array(size * dims);
  const weights = new Float64Array(size).fill(1);
  for (let k = 0; k < size; k++) {
    let rest = k;
    for (let d = dims - 1; d >= 0; d--) {
      const i = rest % n;
      rest = Math.floor(rest / n);
      points[k * dims + d] = rule.points[i];
      weights[k] *= rule.weights[i];
    }
  }
  const perDim = `${panels} panel${panels === 1 ? '' : 's'} x 2 Gauss-Legendre points`;
  return { dims, points, weights, size, description: dims === 1 ? `composite Gauss-Legendre, ${perDim}` : `tensor composite Gauss-Legendre, ${perDim} per parameter` };
}
