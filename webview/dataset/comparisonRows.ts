// The compare view's tables as text, from the comparison the host sent: the overall mean differences and one row per
// class with its stability label. Pure: no DOM.
import type { ComparisonGroupRow, DatasetComparison, DifferenceCell } from '../../src/shared/datasetComparison';
import { num, percent } from '../format';

type Metric = 'expectedLoss' | 'stdLoss' | 'flipRate';

export const METRIC_LABELS: readonly (readonly [Metric, string])[] = [
  ['expectedLoss', 'E[loss]'],
  ['stdLoss', 'Std[loss]'],
  ['flipRate', 'Flip rate'],
];

/** A loss as a number, a flip rate as a percentage. */
export function value(metric: Metric, v: number): string {
  return metric === 'flipRate' ? percent(v) : num(v);
}

/** A difference B - A with its sign; a flip rate's in percentage points. */
export function signed(metric: Metric, d: number): string {
  const sign = d > 0 ? '+' : d < 0 ? '\u2212' : '';
  return metric === 'flipRate' ? `${sign}${(100 * Math.abs(d)).toFixed(1)} pp` : `${sign}${num(Math.abs(d))}`;
}

export function intervalText(metric: Metric, c: DifferenceCell): string {
  return c.interval ? `[${signed(metric, c.interval[0])}, ${signed(metric, c.interval[1])}]` : 'n/a (1 pair)';
}

const changeText = (c: DifferenceCell): string => (c.change === 'no clear change' ? c.change : `${c.change} in B`);

/** The overall table: metric, mean in A, in B, B - A, its interval, the change. */
export function overallRows(c: DatasetComparison): string[][] {
  return METRIC_LABELS.map(([metric, label]) => {
    const d = c.overall[metric];
    return [label, value(metric, d.a), value(metric, d.b), signed(metric, d.difference), intervalText(metric, d), changeText(d)];
  });
}

/** The stability as a sentence about B. */
export function stabilityText(g: ComparisonGroupRow): string {
  return g.stability === 'no clear change' || g.stability === 'mixed' ? g.stability : `${g.stability} in B`;
}

/** The per-class table: class, pairs, then each metric's B - A with its interval, the stability last. */
export function classRows(c: DatasetComparison): { cells: string[]; stability: ComparisonGroupRow['stability'] }[] {
  return c.classes.map((g) => ({
    cells: [g.name, String(g.pairs), ...METRIC_LABELS.map(([m]) => `${signed(m, g[m].difference)} ${intervalText(m, g[m])}`), stabilityText(g)],
    stability: g.stability,
  }));
}

/** The confidence as the intervals' label ("95%"). */
export function confidenceText(c: DatasetComparison): string {
  return `${+(100 * c.confidence).toFixed(2)}%`;
}
