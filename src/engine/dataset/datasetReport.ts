import { samplesForLoss, samplesForRate, zForConfidence } from '../../core/outputs/outputMoments';
import { VERSION } from '../../version';
import type { AnalysedRow, DatasetRow, FailedRow } from './datasetRows';
import { meanEstimate } from './meanEstimate';
import type { RunHeader } from '../contract/datasetRecord';
import { DATASET_REPORT_VERSION, type DatasetReport, type WorstImage } from '../contract/datasetReport';

/** How many images each "worst" list names. */
const WORST_COUNT = 10;

/** The dataset report of a run's rows (sorted by path, see DatasetRows). */
export function datasetReport(header: RunHeader, rows: readonly DatasetRow[]): DatasetReport {
  const { kind: _kind, ...run } = header;
  const confidence = header.settings.confidence;
  const analysed = rows.filter((r): r is AnalysedRow => r.kind === 'image');
  const failed = rows.filter((r): r is FailedRow => r.kind === 'error');
  const estimate = (rs: readonly AnalysedRow[], f: (r: AnalysedRow) => number, range: [number, number]) => meanEstimate(rs.map(f), confidence, range);
  const analysedByClass = new Map<string | null, AnalysedRow[]>();
  for (const r of analysed) {
    const list = analysedByClass.get(r.className);
    if (list) list.push(r);
    else analysedByClass.set(r.className, [r]);
  }
  const failedByClass = new Map<string | null, number>();
  for (const r of failed) failedByClass.set(r.className, (failedByClass.get(r.className) ?? 0) + 1);
  const accuracy = (rs: readonly AnalysedRow[]) => {
    const labelled = rs.filter((r) => r.label !== null);
    return labelled.length ? estimate(labelled, (r) => (r.cleanTop1 === r.label ? 1 : 0), [0, 1]) : null;
  };
  return {
    datasetVersion: DATASET_REPORT_VERSION,
    tool: { name: 'auglens', version: VERSION },
    createdAt: new Date().toISOString(),
    run,
    images: { analysed: analysed.length, failed: failed.length },
    confidence,
    aggregate: analysed.length
      ? {
          expectedLoss: estimate(analysed, (r) => r.expectedLoss, [0, Infinity])!,
          stdLoss: estimate(analysed, (r) => r.stdLoss, [0, Infinity])!,
          flipRate: estimate(analysed, (r) => r.flipRate, [0, 1])!,
          cleanAccuracy: accuracy(analysed),
        }
      : null,
    samplesNeeded: datasetSamplesNeeded(analysed, header.settings.tolerance, zForConfidence(confidence)),
    classes: header.classes.map(({ name, label }) => {
      const mine = analysedByClass.get(name) ?? [];
      return {
        name,
        label,
        images: mine.length,
        failed: failedByClass.get(name) ?? 0,
        expectedLoss: estimate(mine, (r) => r.expectedLoss, [0, Infinity]),
        stdLoss: estimate(mine, (r) => r.stdLoss, [0, Infinity]),
        flipRate: estimate(mine, (r) => r.flipRate, [0, 1]),
        cleanAccuracy: accuracy(mine)?.mean ?? null,
      };
    }),
    worst: { stdLoss: worst(analysed, (r) => r.stdLoss), flipRate: worst(analysed, (r) => r.flipRate) },
    failures: failed.map(({ path, className, message }) => ({ path, className, message })),
  };
}

/**
 * Drawing an image uniformly and then an augmentation, the loss has mean E = mean_i E_i and, by the law of total
 * variance, variance mean_i Std_i^2 + mean_i (E_i - E)^2; a flip is a Bernoulli draw of probability mean_i f_i.
 * The sample counts are those of one image's report (samplesForLoss, samplesForRate) for these two laws.
 */
function datasetSamplesNeeded(rows: readonly AnalysedRow[], tolerance: number, z: number): DatasetReport['samplesNeeded'] {
  if (!rows.length) return { loss: null, flipRate: null };
  const n = rows.length;
  const mean = rows.reduce((s, r) => s + r.expectedLoss, 0) / n;
  const variance = rows.reduce((s, r) => s + r.stdLoss ** 2 + (r.expectedLoss - mean) ** 2, 0) / n;
  const loss = samplesForLoss(mean, Math.sqrt(variance), tolerance, z);
  const flip = rows.reduce((s, r) => s + r.flipRate, 0) / n;
  return { loss: Number.isFinite(loss) ? loss : null, flipRate: samplesForRate(flip, tolerance, z) };
}

/** The images with the largest values, ties broken by path. */
function worst(rows: readonly AnalysedRow[], value: (r: AnalysedRow) => number): WorstImage[] {
  return [...rows]
    .sort((a, b) => value(b) - value(a))
    .slice(0, WORST_COUNT)
    .map((r) => ({ path: r.path, className: r.className, value: value(r) }));
}
