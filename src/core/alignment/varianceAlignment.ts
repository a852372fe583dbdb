/** Eigenpairs of the augmentation covariance: values descending, vectors orthonormal (CHW). */
export interface EigenBasis {
  readonly values: readonly number[];
  readonly vectors: readonly ArrayLike<number>[];
}

export interface AlignmentOptions {
  /** tr Cov: no eigenvalue outside the basis exceeds tr Cov minus the basis' eigenvalues. */
  readonly totalVariance?: number;
  /** lambda_{k+1}, when known. */
  readonly nextEigenvalue?: number;
}

/** How a saliency g sits in the augmentation covariance (docs/math.md, section 8). */
export interface VarianceAlignment {
  readonly gradientNormSquared: number;
  /** v_k . g. */
  readonly projections: number[];
  /** (v_k . g)^2 / ||g||^2: the share of ||g||^2 along each eigenvector. */
  readonly shares: number[];
  /** ||g - sum_k (v_k . g) v_k||^2 / ||g||^2: the share outside the basis' span. */
  readonly outsideShare: number;
  /** sum_k lambda_k (v_k . g)^2: g^T Cov g over the basis, the first-order Var[loss] (exact when the basis spans Cov's range, a lower bound otherwise). */
  readonly firstOrderVariance: number;
  /** The largest eigenvalue possible outside the basis: min(lambda_k, lambda_{k+1}, tr Cov - sum_k lambda_k) from what is known. */
  readonly restEigenvalueBound: number;
  /** firstOrderVariance + restEigenvalueBound ||g_rest||^2 >= g^T Cov g. */
  readonly varianceUpperBound: number;
  /** sqrt(firstOrderVariance): the first-order prediction of Std[loss]. */
  readonly predictedStd: number;
  /** g^T Cov g / (lambda_max ||g||^2) in [0, 1] over the basis: 1 when g lies along the top eigenvector, 0 when Cov ignores it. */
  readonly rayleigh: number;
  /** The same quotient with varianceUpperBound (at most 1). */
  readonly rayleighUpperBound: number;
}

export function varianceAlignment(g: ArrayLike<number>, basis: EigenBasis, options: AlignmentOptions = {}): VarianceAlignment {
  const n = g.length;
  const rest = Float64Array.from(g);
  let norm2 = 0;
  for (let i = 0; i < n; i++) norm2 += rest[i] * rest[i];
  const projections = basis.vectors.map((v) => {
    if (v.length !== n) throw new Error(`eigenvector has ${v.length} values, the gradient ${n}`);
    let p = 0;
    for (let i = 0; i < n; i++) p += v[i] * g[i];
    for (let i = 0; i < n; i++) rest[i] -= p * v[i];
    return p;
  });
  let rest2 = 0;
  for (let i = 0; i < n; i++) rest2 += rest[i] * rest[i];
  const values = basis.values;
  const firstOrderVariance = projections.reduce((s, p, k) => s + values[k] * p * p, 0);
  const known = values.reduce((s, v) => s + v, 0);
  const restEigenvalueBound = Math.min(
    values.length > 0 ? values[values.length - 1] : Infinity,
    options.nextEigenvalue ?? Infinity,
    options.totalVariance !== undefined ? Math.max(0, options.totalVariance - known) : Infinity,
  );
  const varianceUpperBound = firstOrderVariance + (rest2 > 0 ? restEigenvalueBound * rest2 : 0);
  const lambdaMax = values.length > 0 ? values[0] : restEigenvalueBound;
  const quotient = (v: number): number => (norm2 > 0 && lambdaMax > 0 ? Math.min(1, v / (lambdaMax * norm2)) : 0);
  return {
    gradientNormSquared: norm2,
    projections,
    shares: projections.map((p) => (norm2 > 0 ? (p * p) / norm2 : 0)),
    outsideShare: norm2 > 0 ? rest2 / norm2 : 0,
    firstOrderVariance,
    restEigenvalueBound,
    varianceUpperBound,
    predictedStd: Math.sqrt(firstOrderVariance),
    rayleigh: quotient(firstOrderVariance),
    rayleighUpperBound: quotient(varianceUpperBound),
  };
}
