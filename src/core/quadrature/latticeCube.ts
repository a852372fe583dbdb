import { latticeRule } from './lattice';
import { tensorGaussRule, type CubeRule } from './tensorRule';

/** Points of the lattice rule with 64 * 2^level points, as a rule on [0, 1]^dims. */
export function latticeCubeRule(dims: number, level: number): CubeRule {
  const rule = latticeRule(64 * 2 ** level);
  const points = new Float64Array(rule.size * dims);
  for (let k = 0; k < rule.size; k++) for (let j = 0; j < dims; j++) points[k * dims + j] = rule.coordinate(k, j);
  return {
    dims,
    points,
    weights: new Float64Array(rule.size).fill(1 / rule.size),
    size: rule.size,
    description: `rank-1 lattice rule, ${rule.size} points in ${dims} dimensions`,
  };
}

/**
 * The rule for `dims` continuous parameters at a level: tensor composite Gauss-Legendre in one or two dimensions;
 * past that a tensor rule's node count explodes (8^4 at level 2), so a rank-1 lattice rule.
 */
export function cubeRule(dims: number, level: number): CubeRule {
  return dims <= 2 ? tensorGaussRule(dims, level) : latticeCubeRule(dims, level);
}
