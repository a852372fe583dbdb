// The dataset panel's rows and class bars from a run's rows and its dataset report. Pure: no vscode.
import type { DatasetReport } from '../../engine/contract/datasetReport';
import type { DatasetRow } from '../../engine/dataset/datasetRows';
import type { DatasetClassBar, DatasetFailureRow, DatasetImageRow } from '../../shared/datasetProtocol';

export interface DatasetRowViews {
  images: DatasetImageRow[];
  failures: DatasetFailureRow[];
}

/** Splits rows into the table's images and the failure list; `thumbnail` gives an image's webview URI. */
export function rowViews(rows: readonly DatasetRow[], thumbnail: (path: string) => string): DatasetRowViews {
  const images: DatasetImageRow[] = [];
  const failures: DatasetFailureRow[] = [];
  for (const r of rows) {
    if (r.kind === 'error') failures.push({ path: r.path, className: r.className, message: r.message });
    else {
      images.push({
        path: r.path,
        className: r.className,
        expectedLoss: r.expectedLoss,
        stdLoss: r.stdLoss,
        flipRate: r.flipRate,
        samplesNeeded: r.samplesNeeded,
        thumbnail: thumbnail(r.path),
      });
    }
  }
  return { images, failures };
}

/** The per-class chart's bars: the report's class table, means over each class's analysed images. */
export function classBars(report: DatasetReport): DatasetClassBar[] {
  return report.classes.map((c) => ({
    name: c.name,
    images: c.images,
    failed: c.failed,
    meanFlipRate: c.flipRate?.mean ?? null,
    meanStdLoss: c.stdLoss?.mean ?? null,
  }));
}
