/** Nodes and weights of the n-point Gauss-Legendre rule on [-1, 1] (Newton on P_n from Chebyshev guesses). */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      // Three-term recurrence: P_k(x) = ((2k - 1) x P_{k-1} - (k - 1) P_{k-2}) / k.
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 1 ? x : p1;
      const pm = n === 1 ? 1 : p0;
      dp = (n * (x * pn - pm)) / (x * x - 1);
      const dx = pn / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weights[n - 1 - i] = 2 / ((1 - x * x) * dp * dp);
  }
  return { nodes, weights };
}

/** A 1-D rule on [0, 1]: points and weights summing to 1. */
export interface Rule1D {
  readonly points: Float64Array;
  readonly weights: Float64Array;
}

/** Composite Gauss-Legendre on [0, 1]: `panels` equal panels, `order` points each; the panel ends are where kinks may sit. */
export function compositeGauss(panels: number, order: number): Rule1D {
  const gl = gaussLegendre(order);
  const points = new Float64Array(panels * order);
  const weights = new Float64Array(panels * order);
  for (let p = 0; p < panels; p++) {
    for (let i = 0; i < order; i++) {
      points[p * order + i] = (p + (gl.nodes[i] + 1) / 2) / panels;
      weights[p * order + i] = gl.weights[i] / 2 / panels;
    }
  }
  return { points, weights };
}
