/**
 * Most draws of the randomized lattice rule for image moments when the caller does not say: the default of the
 * analysis parameter maxDraws (src/shared/analysisLimits.ts). A file of its own so that the webview, which shows the
 * default, bundles no moment code.
 */
export const DEFAULT_MAX_DRAWS = 16_384;
