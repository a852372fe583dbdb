/**
 * Randomized quasi-Monte Carlo with a control variate of exactly known mean. Replicate r holds the values y_rk and
 * the controls c_rk at its first n points (independent random shifts, so the replicates are independent). Its
 * estimate is
 *   Y_r = mean_k y_rk - b_r (mean_k c_rk - E[c]),
 * b_r the least-squares slope Cov(y, c) / Var(c) over the points of the OTHER replicates (leave one replicate out):
 * b_r is independent of replicate r, so E[Y_r] = E[y] exactly for any n, and the Student-t interval over the R
 * estimates stays that of R unbiased estimates (the slopes share data, which couples the Y_r only weakly; Owen, "Monte
 * Carlo theory, methods and examples", chapter 8 on control variates). Without controls b_r = 0: the replicate's plain
 * average.
 */
export function controlledReplicateMeans(y: readonly ArrayLike<number>[], c: readonly ArrayLike<number>[] | null, controlMean: number, n: number): number[] {
  const R = y.length;
  const plain = y.map((v) => sumOf(v, n) / n);
  if (!c) return plain;
  const sums = y.map((v, r) => {
    let [sy, sc, syc, scc] = [0, 0, 0, 0];
    for (let k = 0; k < n; k++) {
      const [a, b] = [v[k], c[r][k]];
      sy += a;
      sc += b;
      syc += a * b;
      scc += b * b;
    }
    return { sy, sc, syc, scc };
  });
  const total = sums.reduce((t, s) => ({ sy: t.sy + s.sy, sc: t.sc + s.sc, syc: t.syc + s.syc, scc: t.scc + s.scc }));
  return sums.map((s, r) => {
    const m = (R - 1) * n;
    const [sy, sc, syc, scc] = [total.sy - s.sy, total.sc - s.sc, total.syc - s.syc, total.scc - s.scc];
    const varC = scc - (sc * sc) / m;
    // A control constant over the other replicates' points says nothing about y: no correction.
    const slope = varC > 1e-12 * scc ? (syc - (sy * sc) / m) / varC : 0;
    return plain[r] - slope * (s.sc / n - controlMean);
  });
}

/** Mean of independent replicate estimates and the half-width t * s / sqrt(R) of its Student-t interval (t for R - 1 degrees of freedom). */
export function replicateInterval(estimates: readonly number[], t: number): { mean: number; halfWidth: number } {
  const R = estimates.length;
  const mean = estimates.reduce((a, x) => a + x, 0) / R;
  const s2 = estimates.reduce((a, x) => a + (x - mean) ** 2, 0) / (R - 1);
  return { mean, halfWidth: (t * Math.sqrt(s2)) / Math.sqrt(R) };
}

function sumOf(v: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += v[k];
  return s;
}
