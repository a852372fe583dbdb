// Runs the analyses of one panel run (one per policy: two when comparing) one after the other in engine processes,
// forwarding progress (throttled), each image's early moments, each image's final result and the run's summary.
import { runAnalysis } from '../../engine/client';
import type { AnalysisResult } from '../../engine/contract/report';
import type { AnalyzeParams, EngineStage } from '../../engine/contract/requests';
import type { ImageResultView, RunSummaryView } from '../../shared/resultsView';
import { basename, imageView, partialImageView, runSummaryView } from './viewResults';

export interface RunColumn {
  params: AnalyzeParams;
  /** The images' names as the panel shows them, in params.imagePaths order. */
  labels: string[];
}

export interface RunListener {
  progress(column: number, stage: EngineStage, fraction: number, message: string): void;
  image(column: number, index: number, count: number, view: ImageResultView): void;
  summary(column: number, summary: RunSummaryView): void;
  log(message: string): void;
}

const PROGRESS_INTERVAL_MS = 100;

export async function runColumns(
  enginePath: string,
  columns: readonly RunColumn[],
  listener: RunListener,
  signal: AbortSignal,
): Promise<AnalysisResult[]> {
  const results: AnalysisResult[] = [];
  for (const [column, { params, labels }] of columns.entries()) {
    const count = params.imagePaths.length;
    const label = (i: number) => labels[i] ?? basename(params.imagePaths[i]);
    let lastStage: EngineStage | undefined;
    let lastSent = 0;
    const started = Date.now();
    const result = await runAnalysis(enginePath, params, {
      signal,
      onLog: (message) => listener.log(message),
      onProgress: (stage, fraction, message) => {
        const now = Date.now();
        if (stage === lastStage && now - lastSent < PROGRESS_INTERVAL_MS && fraction < 1) return;
        if (stage !== lastStage) listener.log(`[${column === 0 ? 'A' : 'B'}] ${stage}: ${message}`);
        lastStage = stage;
        lastSent = now;
        listener.progress(column, stage, fraction, message);
      },
      onPartial: (index, moments, arrays) => listener.image(column, index, count, partialImageView(label(index), moments, arrays)),
    });
    result.report.images.forEach((img, i) => listener.image(column, i, count, imageView(label(i), img, result.arrays[i])));
    listener.summary(column, runSummaryView(result.report, Date.now() - started));
    results.push(result);
  }
  return results;
}
