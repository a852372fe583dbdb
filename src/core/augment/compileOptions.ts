/** How continuous transforms are integrated when a policy is compiled (docs/math.md, section 3). */
export interface CompileOptions {
  /**
   * Refinement level of the quadrature rules of continuous parameters: level l + 1 halves every panel of level l
   * (composite Gauss-Legendre) or doubles the points (lattice rules, which embed the coarser rule).
   */
  readonly level: number;
}

export const DEFAULT_COMPILE_OPTIONS: CompileOptions = { level: 0 };
