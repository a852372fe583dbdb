import type { DatasetReport, MeanEstimate } from '../contract/datasetReport';

const num = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const int = (v: number | null) => (v === null ? 'unknown' : Math.round(v).toLocaleString('en-US'));

function estimate(e: MeanEstimate | null, show: (v: number) => string): string {
  if (!e) return '-';
  return e.interval ? `${show(e.mean)} [${show(e.interval[0])}, ${show(e.interval[1])}]` : show(e.mean);
}

/** The readable summary of a dataset report, printed at the end of a dataset run and by `auglens merge`. */
export function formatDatasetSummary(report: DatasetReport): string {
  const { run } = report;
  const lines: string[] = [];
  const layout = run.layout === 'imageFolder' ? `ImageFolder, ${run.classes.length} classes` : 'plain folder, loss against the clean prediction';
  lines.push(`dataset: ${run.root} (${layout})`);
  lines.push(`policy: ${run.policy.canonical}`);
  if (run.model) lines.push(`model: ${run.model.path}`);
  const shards = run.merged
    ? `, merged from shards ${run.merged.shards.join(', ')} of ${run.merged.count}`
    : run.shard.count > 1
      ? `, shard ${run.shard.index}/${run.shard.count}`
      : '';
  lines.push(`images: ${report.images.analysed} analysed, ${report.images.failed} failed${shards}`);
  if (run.merged && run.merged.shards.length < run.merged.count) {
    const missing = Array.from({ length: run.merged.count }, (_, i) => i).filter((i) => !run.merged!.shards.includes(i));
    lines.push(`WARNING: shards ${missing.join(', ')} of ${run.merged.count} are missing: the numbers cover part of the dataset`);
  }
  const a = report.aggregate;
  const conf = pct(report.confidence);
  if (a) {
    lines.push('', `mean over images (${conf} confidence interval, Student t over images):`);
    lines.push(`  E[loss]    ${estimate(a.expectedLoss, num)}`);
    lines.push(`  Std[loss]  ${estimate(a.stdLoss, num)}`);
    lines.push(`  flip rate  ${estimate(a.flipRate, pct)}`);
    if (a.cleanAccuracy) lines.push(`  clean top-1 accuracy against the labels  ${estimate(a.cleanAccuracy, pct)}`);
    const tol = pct(run.settings.tolerance);
    lines.push(
      `samples needed over the dataset (an image drawn at random, then an augmentation; ${conf}): ${int(report.samplesNeeded.loss)} for E[loss] within ${tol}, ` +
        `${int(report.samplesNeeded.flipRate)} for the flip rate within ${tol} (absolute)`,
    );
  }
  if (report.classes.length) lines.push('', 'per class:', ...classTable(report));
  for (const [name, list, show] of [
    ['Std[loss]', report.worst.stdLoss, num],
    ['flip rate', report.worst.flipRate, pct],
  ] as const) {
    if (!list.length) continue;
    lines.push('', `worst images by ${name}:`);
    for (const w of list) lines.push(`  ${show(w.value).padStart(8)}  ${w.path}`);
  }
  if (report.failures.length) {
    lines.push('', `failed images (${report.failures.length}):`);
    for (const f of report.failures.slice(0, 20)) lines.push(`  ${f.path}: ${f.message.split('\n')[0]}`);
    if (report.failures.length > 20) lines.push(`  ... and ${report.failures.length - 20} more (dataset.json lists them all)`);
  }
  return lines.join('\n');
}

function classTable(report: DatasetReport): string[] {
  const header = ['class', 'label', 'images', 'failed', 'E[loss]', 'Std[loss]', 'flip rate', 'clean acc'];
  const rows = report.classes.map((c) => [
    c.name,
    String(c.label),
    String(c.images),
    String(c.failed),
    c.expectedLoss ? num(c.expectedLoss.mean) : '-',
    c.stdLoss ? num(c.stdLoss.mean) : '-',
    c.flipRate ? pct(c.flipRate.mean) : '-',
    c.cleanAccuracy === null ? '-' : pct(c.cleanAccuracy),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)];
}
