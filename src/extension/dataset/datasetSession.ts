// One dataset run of the extension, apart from any webview: its folder's results.jsonl (read back when resumed or
// restored after a reload), the rows so far, and the engine run that appends to them. A run goes on whether or not a
// panel shows it. No vscode: the panel and the command listen to `onChange`.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runDataset } from '../../engine/client';
import type { RunHeader } from '../../engine/contract/datasetRecord';
import { classLabels } from '../../engine/dataset/classLabels';
import { DatasetFolder } from '../../engine/dataset/datasetFolder';
import type { DatasetReport } from '../../engine/contract/datasetReport';
import { datasetReport } from '../../engine/dataset/datasetReport';
import { DatasetRows, type DatasetRow } from '../../engine/dataset/datasetRows';
import { fileSha256 } from '../../engine/dataset/fileDigest';
import { listDataset } from '../../engine/dataset/imageFolder';
import { scanResults } from '../../engine/dataset/resultsFile';
import { headerMismatch, makeHeader, runOptionsOf } from '../../engine/dataset/runHeader';
import { imageKeys } from '../../engine/dataset/imageKeys';
import { WHOLE_DATASET } from '../../engine/dataset/shard';
import type { AnalyzeParams, DatasetParams } from '../../engine/contract/requests';
import { DATASET_REPORT_FILE, RESULTS_FILE } from '../../engine/contract/reportFiles';

/** The folder holds the results of a different run (another model, policy or settings). */
export class DifferentRunError extends Error {
  constructor(
    readonly resultsDir: string,
    readonly difference: string,
  ) {
    super(`${join(resultsDir, RESULTS_FILE)} holds a different run (${difference})`);
    this.name = 'DifferentRunError';
  }
}

/** The analysis of a dataset run: the panel's request without its images (the folder's listing gives them). */
export type DatasetAnalysis = Omit<DatasetParams, 'root' | 'images'>;

export interface DatasetProgressHandlers {
  readonly onLog?: (message: string) => void;
  readonly signal?: AbortSignal;
}

export class DatasetSession {
  private rows = new DatasetRows();
  private listeners = new Set<(paths: readonly string[]) => void>();
  header: RunHeader | null = null;
  /** Images in the dataset folder (the rows' count until it has been listed). */
  total = 0;
  running = false;

  constructor(
    /** The dataset folder. */
    readonly root: string,
    /** The run's folder, holding results.jsonl. */
    readonly resultsDir: string,
  ) {}

  get resultsFile(): string {
    return join(this.resultsDir, RESULTS_FILE);
  }

  /** A run restored from its folder's results.jsonl (after a window reload). */
  static async restore(resultsDir: string): Promise<DatasetSession> {
    const rows = new DatasetRows();
    const scan = await scanResults(join(resultsDir, RESULTS_FILE), (record) => rows.add(record));
    const session = new DatasetSession(scan.header.root, resultsDir);
    session.rows = rows;
    session.header = scan.header;
    try {
      session.total = listDataset(scan.header.root).images.length;
    } catch {
      session.total = rows.size;
    }
    return session;
  }

  /** Called with the paths of the records that arrived, or [] when the run's state changed (rows read back, end). */
  onChange(listener: (paths: readonly string[]) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The images' rows, sorted by path. */
  sortedRows(): DatasetRow[] {
    return this.rows.sorted();
  }

  /** The row of this path, if the run has one. */
  row(path: string): DatasetRow | undefined {
    return this.rows.sorted().find((r) => r.path === path);
  }

  /** Images with a record among the `total` (a record of an image no longer listed does not count). */
  get done(): number {
    return Math.min(this.rows.size, this.total);
  }

  report(): DatasetReport | null {
    return this.header && datasetReport(this.header, this.rows.sorted());
  }

  /**
   * Lists the folder (torchvision's ImageFolder, class indices in sorted order, or a plain folder), continues the
   * folder's results.jsonl when it holds the same run (skipping images already analysed), and appends each record as
   * the engine sends it; dataset.json is written when every image has its record. Throws DifferentRunError before
   * any analysis when the folder holds another run's results.
   */
  async run(enginePath: string, analysis: DatasetAnalysis, handlers: DatasetProgressHandlers = {}): Promise<void> {
    const listing = listDataset(this.root);
    const classes = classLabels(listing.classes);
    const keys = imageKeys(listing, classes);
    this.rows = new DatasetRows();
    this.total = keys.length;
    this.running = true;
    const folder = await DatasetFolder.open(this.resultsDir, true, this.rows);
    try {
      this.header = folder.previous?.header ?? null;
      this.emit([]);
      const params: DatasetParams = { ...analysis, root: this.root, images: keys.filter((k) => !this.rows.analysed(k.path)) };
      const facts = {
        root: this.root,
        shard: WHOLE_DATASET,
        layout: listing.layout,
        classes,
        modelSha256: await fileSha256(analysis.modelPath),
        options: runOptionsOf(analysis),
      };
      await runDataset(enginePath, params, {
        signal: handlers.signal,
        onLog: handlers.onLog,
        onRun: (run) => {
          const header = makeHeader(run, facts);
          const difference = folder.previous && headerMismatch(header, folder.previous.header, true, 'now', 'in results.jsonl');
          if (difference) throw new DifferentRunError(this.resultsDir, difference);
          folder.start(header);
          this.header = folder.header;
        },
        onRecord: (_index, record) => {
          folder.write(record);
          this.rows.add(record);
          this.emit([record.path]);
        },
      });
      await folder.finish(datasetReport(this.header!, this.rows.sorted()));
    } finally {
      this.running = false;
      await folder.close();
      this.emit([]);
    }
  }

  /** Removes the folder's results (after the user chose to start over on a different run). */
  async clearResults(): Promise<void> {
    await rm(this.resultsFile, { force: true });
    await rm(join(this.resultsDir, DATASET_REPORT_FILE), { force: true });
    this.rows = new DatasetRows();
    this.header = null;
  }

  private emit(paths: readonly string[]): void {
    for (const listener of this.listeners) listener(paths);
  }
}

/** The analysis request of a dataset run from a panel's single-image request (its images and label dropped). */
export function datasetAnalysis(params: AnalyzeParams): DatasetAnalysis {
  const { imagePaths: _images, label: _label, ...analysis } = params;
  return { ...analysis, modelPath: analysis.modelPath! };
}
