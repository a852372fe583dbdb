/** The eigen-decomposition of a dense symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  readonly values: Float64Array;
  /** The matching orthonormal eigenvectors, vector j at [j * n, (j + 1) * n); empty when not asked for. */
  readonly vectors: Float64Array;
}

/**
 * All eigenpairs of a symmetric n x n matrix (row-major; only its lower triangle is read): Householder reduction to
 * tridiagonal form, then the QL algorithm with implicit shifts (Wilkinson & Reinsch, Handbook for Automatic
 * Computation II, procedures tred2 and tql2), on flat arrays with the eigenvectors stored by column so that every
 * inner loop runs over contiguous memory. Backward stable: residuals and orthogonality are O(n eps ||A||).
 * `vectors: false` skips accumulating the transformations: O(n^2) after the reduction instead of O(n^3).
 */
export function symmetricEigen(a: ArrayLike<number>, n: number, options: { readonly vectors?: boolean } = {}): SymmetricEigen {
  const withVectors = options.vectors ?? true;
  // z[j * n + k] = Z[k][j]: the working matrix, then the eigenvectors, by column.
  const z = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let k = j; k < n; k++) z[j * n + k] = a[k * n + j];
  for (let j = 0; j < n; j++) for (let k = 0; k < j; k++) z[j * n + k] = z[k * n + j];
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) {
    tridiagonalize(z, n, d, e, withVectors);
    implicitQl(z, n, d, e, withVectors);
  }
  const order = Array.from(d.keys()).sort((i, j) => d[j] - d[i]);
  const values = Float64Array.from(order, (i) => d[i]);
  if (!withVectors) return { values, vectors: new Float64Array(0) };
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => vectors.set(z.subarray(src * n, (src + 1) * n), dst * n));
  return { values, vectors };
}

/** tred2: on return d holds the diagonal, e[1..n) the subdiagonal, z the orthogonal transformation (if asked). */
function tridiagonalize(z: Float64Array, n: number, d: Float64Array, e: Float64Array, withVectors: boolean): void {
  for (let j = 0; j < n; j++) d[j] = z[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = z[j * n + i - 1];
        z[j * n + i] = 0;
        z[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      e.fill(0, 0, i);
      for (let j = 0; j < i; j++) {
        const col = j * n;
        f = d[j];
        z[i * n + j] = f;
        g = e[j] + z[col + j] * f;
        for (let k = j + 1; k < i; k++) {
          g += z[col + k] * d[k];
          e[k] += z[col + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const col = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k < i; k++) z[col + k] -= f * e[k] + g * d[k];
        d[j] = z[col + i - 1];
        z[col + i] = 0;
      }
    }
    d[i] = h;
  }
  if (!withVectors) {
    for (let j = 0; j < n; j++) d[j] = z[j * n + j];
    e[0] = 0;
    return;
  }
  for (let i = 0; i < n - 1; i++) {
    const next = (i + 1) * n;
    z[i * n + n - 1] = z[i * n + i];
    z[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = z[next + k] / h;
      for (let j = 0; j <= i; j++) {
        const col = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += z[next + k] * z[col + k];
        for (let k = 0; k <= i; k++) z[col + k] -= g * d[k];
      }
    }
    z.fill(0, next, next + i + 1);
  }
  for (let j = 0; j < n; j++) {
    d[j] = z[j * n + n - 1];
    z[j * n + n - 1] = 0;
  }
  z[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** tql2: the eigenvalues of the tridiagonal (d, e) into d, the rotations applied to z's columns (if asked). */
function implicitQl(z: Float64Array, n: number, d: Float64Array, e: Float64Array, withVectors: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let shift = 0;
  let norm = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    norm = Math.max(norm, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > eps * norm) m++;
    if (m > l) {
      for (let iteration = 0; Math.abs(e[l]) > eps * norm; iteration++) {
        if (iteration === 60 * n) throw new Error(`symmetric eigen-decomposition: no convergence after ${iteration} QL iterations`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        shift += h;
        p = d[m];
        let c = 1;
        let c2 = 1;
        let c3 = 1;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (!withVectors) continue;
          const col = i * n;
          const next = col + n;
          for (let k = 0; k < n; k++) {
            h = z[next + k];
            z[next + k] = s * z[col + k] + c * h;
            z[col + k] = c * z[col + k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      }
    }
    d[l] += shift;
    e[l] = 0;
  }
}
