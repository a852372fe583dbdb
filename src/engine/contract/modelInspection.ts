import type { Report } from './report';

/** What the model editor and the panel show before any analysis: the graph's facts and the preprocessing guess. */
export interface ModelInspection {
  readonly model: NonNullable<Report['model']>;
  /** The guessed preprocessing, with the reason for the guess. */
  readonly preprocessing: NonNullable<Report['preprocessing']>;
  readonly producer: string;
  readonly irVersion: number;
  readonly dynamicBatch: boolean;
  /** [height, width] when the graph fixes them, else null (images keep their own size). */
  readonly inputSize: readonly [number, number] | null;
  readonly channels: 1 | 3;
}
