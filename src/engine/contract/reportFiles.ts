/** The names of the files hosts read and write in a report folder or a dataset run's folder. */

/** An analysis (analyze, moments, example): its blocks and per-image numbers; the arrays and heatmaps sit beside it. */
export const REPORT_FILE = 'report.json';

/** A dataset run: the run header, then one line per image (src/engine/contract/datasetRecord.ts). */
export const RESULTS_FILE = 'results.jsonl';

/** A dataset run's summary: means with intervals, the per-class table, the worst images. */
export const DATASET_REPORT_FILE = 'dataset.json';
