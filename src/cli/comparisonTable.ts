import { COMPARED_LABEL, COMPARED_METRICS, type GroupDifference, type MeanDifference, type RunComparison, type Stability } from '../engine/dataset/pairedComparison';
import type { RunImages } from '../engine/dataset/runImages';
import { formatNumber, formatSigned, plural, textTable } from './textTable';

/** Rows and names shown before "--json for all". */
const SHOWN = 20;

const interval = (d: MeanDifference): string => (d.interval ? `[${formatSigned(d.interval[0])}, ${formatSigned(d.interval[1])}]` : 'n/a (1 pair)');

function describeRun(name: string, file: string, run: RunImages): string {
  return `${name}: ${file}\n   model ${run.model ?? '(none)'}, policy ${run.policy}`;
}

function differences(a: RunImages, b: RunImages): string {
  const differ = [a.model !== b.model && 'model', a.policy !== b.policy && 'policy', a.tolerance !== b.tolerance && 'tolerance', a.confidence !== b.confidence && 'confidence'].filter(Boolean);
  return differ.length ? `B differs from A in: ${differ.join(', ')}` : 'A and B name the same model and policy';
}

function namesList(title: string, names: readonly string[]): string[] {
  if (!names.length) return [];
  const more = names.length > SHOWN ? `, ... ${names.length - SHOWN} more (--json for all)` : '';
  return [`${title} (${names.length}): ${names.slice(0, SHOWN).join(', ')}${more}`];
}

/** All classes when few; else those with a clear change first, the largest change of Std[loss] first; at most SHOWN, by name. */
function shownClasses(classes: readonly GroupDifference[]): GroupDifference[] {
  if (classes.length <= SHOWN) return [...classes];
  const unchanged = (g: GroupDifference) => (g.stability === 'no clear change' ? 1 : 0);
  const size = (g: GroupDifference) => Math.abs(g.metrics.stdLoss.mean);
  const first = [...classes].sort((p, q) => unchanged(p) - unchanged(q) || size(q) - size(p)).slice(0, SHOWN);
  return first.sort((p, q) => p.name.localeCompare(q.name));
}

function byStability(classes: readonly GroupDifference[]): string[] {
  const kinds: Stability[] = ['more stable', 'less stable', 'mixed'];
  const lines = kinds.flatMap((k) => namesList(`${k} in B`, classes.filter((c) => c.stability === k).map((c) => c.name)));
  return lines.length ? lines : ['no class got clearly more or less stable'];
}

/** The comparison as text: the runs, the mean differences with intervals, per class, the largest per-image changes. */
export function formatComparison(files: readonly [string, string], a: RunImages, b: RunImages, c: RunComparison): string {
  const pct = `${+(100 * c.confidence).toFixed(2)}%`;
  const o = c.overall;
  const lines = [
    describeRun('A', files[0], a),
    describeRun('B', files[1], b),
    differences(a, b),
    `paired images: ${c.pairs.length}${c.classes.length ? ` in ${plural(c.classes.length, 'class', 'classes')}` : ''}; only in A: ${c.onlyInA.length}; only in B: ${c.onlyInB.length}; failed in a run: ${c.failed.length}`,
    '',
    `mean over ${plural(o.pairs, 'paired image')}, B - A with ${pct} paired-t intervals:`,
    textTable([
      ['', 'A', 'B', 'B - A', `${pct} interval`, ''],
      ...COMPARED_METRICS.map((m) => {
        const d = o.metrics[m];
        return [COMPARED_LABEL[m], formatNumber(d.meanA), formatNumber(d.meanB), formatSigned(d.mean), interval(d), d.change === 'no clear change' ? d.change : `${d.change} in B`];
      }),
    ]),
    `overall: ${o.stability === 'no clear change' ? 'no clear change in stability' : `${o.stability}${o.stability === 'mixed' ? '' : ' in B'}`} (Std[loss] and flip rate)`,
  ];
  if (c.classes.length) {
    const shown = shownClasses(c.classes);
    lines.push('', `per class, B - A with ${pct} intervals:`);
    lines.push(
      textTable([
        ['class', 'pairs', 'Std[loss]', '', 'flip rate', '', ''],
        ...shown.map((g) => [g.name, String(g.pairs), formatSigned(g.metrics.stdLoss.mean), interval(g.metrics.stdLoss), formatSigned(g.metrics.flipRate.mean), interval(g.metrics.flipRate), g.stability]),
      ]),
    );
    if (shown.length < c.classes.length) lines.push(`  ... ${c.classes.length - shown.length} more classes (--json for all)`);
    lines.push(...byStability(c.classes));
  }
  if (c.pairs.length) {
    const largest = [...c.pairs].sort((p, q) => Math.abs(q.difference.stdLoss) - Math.abs(p.difference.stdLoss)).slice(0, 10);
    lines.push('', `largest changes of Std[loss] (${largest.length} of ${c.pairs.length}${c.pairs.length > largest.length ? ', --json for all' : ''}):`);
    for (const p of largest) {
      const parts = COMPARED_METRICS.map((m) => `${COMPARED_LABEL[m]} ${formatNumber(p.a[m])} -> ${formatNumber(p.b[m])}`);
      lines.push(`  ${p.path}${p.className === null ? '' : ` (${p.className})`}: ${parts.join(', ')}`);
    }
  }
  const failed = c.failed.map((f) => `${f.path} (${f.inA && f.inB ? 'in both' : f.inA ? 'in A' : 'in B'})`);
  const lists = [...namesList('only in A', c.onlyInA), ...namesList('only in B', c.onlyInB), ...namesList('failed, not paired', failed)];
  if (lists.length) lines.push('', ...lists);
  return lines.join('\n');
}
