import { createRng, type Rng } from '../rng';

/**
 * An extensible rank-1 lattice sequence with independent random shifts (randomized quasi-Monte Carlo): point k of
 * replicate r has coordinates u_j = frac(phi(k) z_j + delta_rj), phi the base-2 radical inverse (Hickernell, Hong,
 * L'Ecuyer & Lemieux, "Extensible lattice sequences for quasi-Monte Carlo quadrature", SIAM J. Sci. Comput. 22, 2000).
 * The first 2^m points of a replicate are the rank-1 lattice {frac(i z / 2^m)} shifted by delta_r, so doubling the
 * points keeps every point already evaluated. Each shift is uniform on the cube, so every replicate's average is an
 * unbiased estimate of the integral and the spread of the R averages estimates its error.
 */
export interface LatticeSequence {
  readonly replicates: number;
  /** The uniforms of point k of replicate r, read in order by a sampler (coordinate j at the j-th call). */
  point(r: number, k: number): Rng;
}

/** Bits of the radical inverse: sequences of up to 2^20 points per replicate. */
const BITS = 20;
const MODULUS = 2 ** BITS;
const MAX_DIMENSION = 512;

export function latticeSequence(replicates: number, seed: number): LatticeSequence {
  if (!Number.isInteger(replicates) || replicates < 2) throw new Error(`a randomized lattice needs at least 2 replicates, not ${replicates}`);
  const z = generatingVector();
  const rng = createRng(seed);
  const shifts = Array.from({ length: replicates }, () => Float64Array.from({ length: MAX_DIMENSION }, () => rng.next()));
  return {
    replicates,
    point(r, k) {
      if (k >= MODULUS) throw new Error(`a lattice sequence has ${MODULUS} points per replicate`);
      const shift = shifts[r];
      const phi = radicalInverse(k);
      let j = 0;
      let tail: Rng | undefined;
      return {
        next() {
          // Past the lattice's dimensions (per-value noise draws) the point goes on with independent uniforms.
          if (j >= MAX_DIMENSION) return (tail ??= createRng(seed ^ Math.imul(r + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b))).next();
          const v = ((phi * z[j]) % MODULUS) / MODULUS + shift[j];
          j++;
          return v >= 1 ? v - 1 : v;
        },
      };
    },
  };
}

/** k with its BITS low bits reversed, as an integer: phi(k) = radicalInverse(k) / 2^BITS. */
function radicalInverse(k: number): number {
  let r = 0;
  for (let b = 0; b < BITS; b++) r = r * 2 + ((k >>> b) & 1);
  return r;
}

/**
 * Korobov vector z_j = a^j mod 2^BITS with a = 76,259 (odd, so every component is a unit: each one-dimensional
 * projection of a 2^m-point rule is the full grid i / 2^m). Any odd multiplier keeps the estimates unbiased; a good
 * one only makes their spread smaller.
 */
function generatingVector(): Float64Array {
  const a = 76259;
  const z = new Float64Array(MAX_DIMENSION);
  z[0] = 1;
  for (let j = 1; j < MAX_DIMENSION; j++) z[j] = (z[j - 1] * a) % MODULUS;
  return z;
}

/** The largest power of two not above x (0 below 1): point counts of full lattices. */
export function floorPow2(x: number): number {
  return x < 1 ? 0 : 2 ** Math.floor(Math.log2(x));
}
