import type { RunHeader } from './datasetRecord';

/** dataset.json (schemas/dataset.schema.json): versioned so that readers can check what they parse. Bump on any breaking change. */
export const DATASET_REPORT_VERSION = 1;

/** A mean over images with the Student-t confidence interval of the population mean it estimates. */
export interface MeanEstimate {
  readonly images: number;
  readonly mean: number;
  /** Sample standard deviation over the images (n - 1); 0 for one image. */
  readonly std: number;
  /** mean +- t_{nu = n - 1} std / sqrt(n), cut to the quantity's range; null for one image. */
  readonly interval: readonly [number, number] | null;
}

export interface ClassRow {
  readonly name: string;
  readonly label: number;
  readonly images: number;
  readonly failed: number;
  readonly expectedLoss: MeanEstimate | null;
  readonly stdLoss: MeanEstimate | null;
  readonly flipRate: MeanEstimate | null;
  /** Share of the class's images whose clean top-1 is their label. */
  readonly cleanAccuracy: number | null;
}

export interface WorstImage {
  readonly path: string;
  readonly className: string | null;
  readonly value: number;
}

export interface DatasetReport {
  readonly datasetVersion: number;
  readonly tool: { readonly name: 'auglens'; readonly version: string };
  readonly createdAt: string;
  /** The run header of the records summarised (for a merge: the merged header). */
  readonly run: Omit<RunHeader, 'kind'>;
  readonly images: { readonly analysed: number; readonly failed: number };
  readonly confidence: number;
  /** Means over the analysed images with their confidence intervals (null when none was analysed). */
  readonly aggregate: {
    readonly expectedLoss: MeanEstimate;
    readonly stdLoss: MeanEstimate;
    readonly flipRate: MeanEstimate;
    /** ImageFolder runs: the clean top-1 against the label; null without labels. */
    readonly cleanAccuracy: MeanEstimate | null;
  } | null;
  /**
   * Augmented samples, each an image drawn uniformly and then an augmentation, for the dataset's mean E[loss] within
   * the tolerance (relative) and its flip rate within the tolerance (absolute) at the confidence; null when unknown.
   */
  readonly samplesNeeded: { readonly loss: number | null; readonly flipRate: number | null };
  readonly classes: readonly ClassRow[];
  readonly worst: { readonly stdLoss: readonly WorstImage[]; readonly flipRate: readonly WorstImage[] };
  readonly failures: readonly { readonly path: string; readonly className: string | null; readonly message: string }[];
}
