import { createRng } from '../rng';

/**
 * A shifted rank-1 lattice rule of Korobov type on the unit cube: point k has coordinates
 * u_j = frac(k z_j / N + delta_j) with z_j = a^j mod N, equal weights 1/N (Sloan & Joe, Lattice Methods for Multiple
 * Integration, 1994). N is a power of two, so the points with even k form the rule of N / 2 points with the same
 * generator: the coarse rule is embedded in the refined one and the refinement costs nothing extra.
 */
export interface LatticeRule {
  readonly size: number;
  /** Coordinate j of point k, for any j (the generator extends lazily). */
  coordinate(k: number, j: number): number;
}

const MAX_DIMENSION = 256;

export function latticeRule(size: number, seed = 2022): LatticeRule {
  if (!Number.isInteger(Math.log2(size)) || size < 2) throw new Error(`lattice size ${size} must be a power of two >= 2`);
  const a = korobovGenerator(size);
  const z = new Float64Array(MAX_DIMENSION);
  z[0] = 1;
  for (let j = 1; j < MAX_DIMENSION; j++) z[j] = (z[j - 1] * a) % size;
  const rng = createRng(seed);
  const shift = Float64Array.from({ length: MAX_DIMENSION }, () => rng.next());
  return {
    size,
    coordinate(k, j) {
      if (j >= MAX_DIMENSION) throw new Error(`a quadrature point has only ${MAX_DIMENSION} coordinates`);
      const v = ((k * z[j]) % size) / size + shift[j];
      return v >= 1 ? v - 1 : v;
    },
  };
}

/**
 * The multiplier a (odd) minimising the weighted P_2 worst-case error of the rule of `size` points plus that of the
 * embedded rule of size / 2, in the first 12 dimensions with product weights gamma_j = 0.7^j:
 * P_2 = -1 + (1/N) sum_k prod_j (1 + gamma_j 2 pi^2 B_2(frac(k z_j / N))), B_2(x) = x^2 - x + 1/6.
 */
function korobovGenerator(size: number): number {
  if (size <= 4) return 1;
  const dims = 12;
  const candidates: number[] = [];
  const rng = createRng(size);
  const tries = Math.min(size / 2, 64);
  for (let t = 0; candidates.length < tries && t < 10 * tries; t++) {
    const a = 2 * Math.floor(rng.next() * (size / 2)) + 1;
    if (a > 1 && !candidates.includes(a)) candidates.push(a);
  }
  let best = candidates[0];
  let bestScore = Infinity;
  for (const a of candidates) {
    const score = p2(a, size, dims) + p2(a % (size / 2), size / 2, dims);
    if (score < bestScore) {
      bestScore = score;
      best = a;
    }
  }
  return best;
}

function p2(a: number, n: number, dims: number): number {
  let sum = 0;
  for (let k = 0; k < n; k++) {
    let prod = 1;
    let zj = 1;
    let gamma = 0.7;
    for (let j = 0; j < dims; j++) {
      const x = ((k * zj) % n) / n;
      prod *= 1 + gamma * 2 * Math.PI * Math.PI * (x * x - x + 1 / 6);
      zj = (zj * a) % n;
      gamma *= 0.7;
    }
    sum += prod;
  }
  return sum / n - 1;
}
