import { GATE_METRICS, METRIC_LABEL, type ClassCheck, type GateMetric, type GateResult, type GroupCheck } from '../engine/dataset/gate';
import { formatNumber, plural, textTable } from './textTable';

/** Rows and names shown before "--json for all". */
const SHOWN = 20;

const LEVEL_NOTE = { image: "each image's own values", class: "the mean over each class's images", dataset: 'the mean over all images' } as const;

/** A value, marked '!' when it crosses its threshold on a row the check is made on. */
function cell(g: GroupCheck, metric: GateMetric, gated: boolean): string {
  const crossed = gated && g.crossings.some((c) => c.metric === metric);
  return `${formatNumber(g.values[metric])}${crossed ? ' !' : '  '}`;
}

function countsText(total: number, by: Partial<Record<GateMetric, number>>): string {
  const parts = GATE_METRICS.filter((m) => by[m]).map((m) => `${METRIC_LABEL[m]} ${by[m]}`);
  return parts.length ? `${total} (${parts.join(', ')})` : String(total);
}

/** All classes when few; else those crossing on their mean first, then by images crossing; at most SHOWN, by name. */
function shownClasses(classes: readonly ClassCheck[]): readonly ClassCheck[] {
  if (classes.length <= SHOWN) return classes;
  const order = (c: ClassCheck) => [c.crossings.length, c.imagesCrossing];
  const first = [...classes].sort((a, b) => order(b)[0] - order(a)[0] || order(b)[1] - order(a)[1]).slice(0, SHOWN);
  return first.sort((a, b) => a.name.localeCompare(b.name));
}

/** The check as text: thresholds, a table of classes (or the dataset), the images that cross, failures, verdict. */
export function formatGate(file: string, r: GateResult): string {
  const metrics = GATE_METRICS.filter((m) => r.thresholds[m] !== undefined);
  const lines = [
    `${file}: ${plural(r.dataset.images, 'analysed image')}${r.failures.length ? `, ${r.failures.length} failed` : ''}`,
    `thresholds on ${LEVEL_NOTE[r.level]} (--per ${r.level}): ${metrics.map((m) => `${METRIC_LABEL[m]} <= ${r.thresholds[m]}`).join(', ')}`,
    '',
  ];
  const head = ['', 'images', ...metrics.map((m) => `${METRIC_LABEL[m]}  `), 'images crossing'];
  const hasClasses = r.classes.length > 1 || r.classes.some((c) => c.className !== null);
  const listed = shownClasses(r.classes);
  const rows = listed.map((c) => [c.name, String(c.images), ...metrics.map((m) => cell(c, m, r.level === 'class')), countsText(c.imagesCrossing, c.imagesCrossingBy)]);
  const datasetRow = [hasClasses ? 'all classes' : 'all images', String(r.dataset.images), ...metrics.map((m) => cell(r.dataset, m, r.level === 'dataset')), String(r.imagesCrossing.length)];
  if (r.dataset.images) {
    lines.push(textTable([[hasClasses ? 'class' : '', ...head.slice(1)], ...(hasClasses ? rows : []), datasetRow]));
    if (hasClasses && listed.length < r.classes.length) lines.push(`  ... ${r.classes.length - listed.length} more classes (--json for all)`);
    const marks = r.level === 'image' ? 'the images crossing are listed below' : `! crosses its threshold (--per ${r.level})`;
    lines.push(`  (means over each row's images; ${marks})`, '');
  }
  if (r.imagesCrossing.length) {
    const shown = r.imagesCrossing.slice(0, SHOWN);
    lines.push(`images crossing a threshold on their own values (${r.imagesCrossing.length}${shown.length < r.imagesCrossing.length ? `, the worst ${shown.length} shown, --json for all` : ''}):`);
    for (const g of shown) {
      const what = g.crossings.map((c) => `${METRIC_LABEL[c.metric]} ${formatNumber(c.value)} > ${c.threshold}`).join(', ');
      lines.push(`  ${g.name}${g.className === null ? '' : ` (${g.className})`}: ${what}`);
    }
    lines.push('');
  }
  if (r.failures.length) {
    lines.push(`failed images (${r.failures.length}${r.allowFailures ? ', allowed' : ''}):`);
    for (const f of r.failures.slice(0, SHOWN)) lines.push(`  ${f.path}: ${f.message.split('\n')[0]}`);
    if (r.failures.length > SHOWN) lines.push(`  ... ${r.failures.length - SHOWN} more (--json for all)`);
    lines.push('');
  }
  lines.push(r.verdict);
  return lines.join('\n');
}
