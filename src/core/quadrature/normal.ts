/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * Standard normal CDF to about 1e-16 absolute: erf(x) = (2x / sqrt(pi)) e^{-x^2} sum_n (2x^2)^n / (2n + 1)!!, a
 * series of positive terms (no cancellation), for |x| < 6; past that erf is +-1 in double precision.
 */
export function normalCdf(z: number): number {
  const x = z / Math.SQRT2;
  if (x >= 6) return 1;
  if (x <= -6) return 0;
  const x2 = x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  const erf = ((2 * x) / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  return 0.5 * (1 + erf);
}

/**
 * Mean and second moment of clamp(a + sigma Z, 0, 1), Z standard normal, sigma > 0: with z0 = -a / sigma and
 * z1 = (1 - a) / sigma, the clamp takes 0 below z0, 1 above z1 and the line between, so
 * E = P(Z > z1) + a dPhi + sigma (phi(z0) - phi(z1)) and
 * E2 = P(Z > z1) + a^2 dPhi + 2 a sigma (phi(z0) - phi(z1)) + sigma^2 (dPhi + z0 phi(z0) - z1 phi(z1)),
 * dPhi = Phi(z1) - Phi(z0) (int z^2 phi = Phi - z phi).
 */
export function clampedNormalMoments(a: number, sigma: number): [number, number] {
  const z0 = -a / sigma;
  const z1 = (1 - a) / sigma;
  const p0 = normalCdf(z0);
  const p1 = normalCdf(z1);
  const f0 = normalPdf(z0);
  const f1 = normalPdf(z1);
  const dPhi = p1 - p0;
  const above = 1 - p1;
  const e1 = above + a * dPhi + sigma * (f0 - f1);
  const e2 = above + a * a * dPhi + 2 * a * sigma * (f0 - f1) + sigma * sigma * (dPhi + z0 * f0 - z1 * f1);
  return [e1, e2];
}
