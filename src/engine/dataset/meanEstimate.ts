import { intervalWithin } from '../../core/outputs/outputMoments';
import { studentQuantile } from '../../core/outputs/studentQuantile';
import type { MeanEstimate } from '../contract/datasetReport';

/** null for no values; summed in the order given (sorted by path by the callers, so results never depend on run order). */
export function meanEstimate(values: readonly number[], confidence: number, range: readonly [number, number]): MeanEstimate | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const interval = n > 1 ? intervalWithin(mean, (studentQuantile(confidence, n - 1) * std) / Math.sqrt(n), range) : null;
  return { images: n, mean, std, interval };
}
