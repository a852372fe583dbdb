// Runs the analysis of one Python transform in the engine child process, one at a time, with progress and cancel.
// The policy is first bound to the images' shapes here (cheap), so that a crop larger than the image or a transform
// the engine cannot compute yet becomes a hint on the transform instead of a failed run.
import * as vscode from 'vscode';
import { parsePolicy } from '../../core/policy';
import type { AnalysisTarget } from '../../core/python';
import { EngineCancelled, runAnalysis } from '../../engine/client';
import type { AnalyzeParams, PreprocessParams } from '../../engine/contract/requests';
import { DIAGNOSTICS_PARAMETERS_DEFAULT } from '../../shared/analysisLimits';
import { log, showLog } from '../common/log';
import { readSettings } from '../common/settings';
import type { AnalysisContext } from './analysisContext';
import { baseName } from './files';
import { imageShape } from './policyFile/imageShape';
import { stabilityNumbers, type StabilityNumbers } from './resultText';
import { fittedShape, shapeProblem } from './shapeProblem';

export type RunOutcome =
  | { readonly kind: 'numbers'; readonly numbers: StabilityNumbers }
  /** The transform cannot be analysed with these files: said as a hint on it. */
  | { readonly kind: 'failed'; readonly message: string };

export class AnalysisRunner implements vscode.Disposable {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly inFlight = new Map<string, AbortController>();

  constructor(private readonly enginePath: string) {}

  isRunning(key: string): boolean {
    return this.inFlight.has(key);
  }

  cancel(key: string): void {
    this.inFlight.get(key)?.abort();
  }

  /**
   * Queues the run; resolves with its outcome, or undefined when cancelled. `interactive` runs show a cancellable
   * notification (and errors), background refreshes only the status bar.
   */
  run(key: string, target: AnalysisTarget, context: AnalysisContext, interactive: boolean): Promise<RunOutcome | undefined> {
    const abort = new AbortController();
    this.inFlight.set(key, abort);
    const job = this.queue.then(() => this.runNow(target, context, interactive, abort));
    this.queue = job.catch(() => undefined);
    return job.finally(() => {
      if (this.inFlight.get(key) === abort) this.inFlight.delete(key);
    });
  }

  private async runNow(target: AnalysisTarget, context: AnalysisContext, interactive: boolean, abort: AbortController): Promise<RunOutcome | undefined> {
    if (abort.signal.aborted) return undefined;
    const problem = await shapeCheck(target, context);
    if (problem) return { kind: 'failed', message: problem };
    const params = diagnosticAnalyzeParams(target, context);
    const title = `AugLens: analysing ${target.name} with ${baseName(context.model)}`;
    const location = interactive ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
    return vscode.window.withProgress({ location, title, cancellable: interactive }, async (progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      try {
        const result = await runAnalysis(this.enginePath, params, {
          signal: abort.signal,
          onLog: (message) => log.info(message),
          onProgress: (stage, fraction, message) => {
            progress.report({ message: `${stage}: ${message}`, increment: Math.max(0, 100 * fraction - reported) });
            reported = Math.max(reported, 100 * fraction);
          },
        });
        const numbers = stabilityNumbers(result.report);
        return numbers ? { kind: 'numbers' as const, numbers } : { kind: 'failed' as const, message: 'the engine returned no model results' };
      } catch (error) {
        if (error instanceof EngineCancelled) return undefined;
        const message = error instanceof Error ? error.message : String(error);
        log.error(`analysis of ${target.policy} failed: ${message}`);
        if (interactive) {
          void vscode.window.showErrorMessage(`AugLens: ${message}`, 'Show Log').then((picked) => picked && showLog());
        }
        return { kind: 'failed' as const, message };
      }
    });
  }

  dispose(): void {
    for (const abort of this.inFlight.values()) abort.abort();
    this.inFlight.clear();
  }
}

/** The engine's parameters: the settings, with no Monte-Carlo series or eigen-images (diagnostics show neither). */
export function diagnosticAnalyzeParams(target: AnalysisTarget, context: AnalysisContext): AnalyzeParams {
  const settings = readSettings();
  return {
    modelPath: context.model.fsPath,
    imagePaths: context.images.map((i) => i.fsPath),
    policy: target.policy,
    size: context.size,
    preprocess: preprocessFor(target, context, settings.defaultPreprocessing),
    label: context.label,
    tolerance: settings.tolerance,
    confidence: settings.confidence,
    topK: 0,
    forwardBudget: settings.forwardBudget,
    monteCarloSamples: 0,
    seed: settings.seed,
    threads: settings.threads,
    ...(withParameterGradients() && { parameters: true }),
  };
}

/** `auglens.diagnostics.parameters`: also the gradient noise on the model's parameters (its samples needed are quoted). */
function withParameterGradients(): boolean {
  const value = vscode.workspace.getConfiguration('auglens.diagnostics').get<unknown>('parameters');
  return typeof value === 'boolean' ? value : DIAGNOSTICS_PARAMETERS_DEFAULT;
}

/** The pipeline's own Normalize (after ToTensor: scale 1) over the configured preprocessing. */
function preprocessFor(target: AnalysisTarget, context: AnalysisContext, defaultPreset: string): PreprocessParams | undefined {
  const configured = context.preprocess ?? (defaultPreset !== 'auto' ? { preset: defaultPreset } : undefined);
  if (!target.normalization) return configured;
  return { ...configured, mean: target.normalization.mean, std: target.normalization.std, scale: 1 };
}

/** Why the policy cannot be bound to one of the images, or undefined. */
async function shapeCheck(target: AnalysisTarget, context: AnalysisContext): Promise<string | undefined> {
  const steps = parsePolicy(target.policy).transforms;
  for (const image of context.images) {
    let shape;
    try {
      shape = fittedShape(imageShape(await vscode.workspace.fs.readFile(image)), context.size);
    } catch (error) {
      return `${baseName(image)}: ${error instanceof Error ? error.message : String(error)}`;
    }
    const problem = shapeProblem(steps, shape);
    if (problem) return `${problem.message}, for image ${baseName(image)}${context.size ? ` resized to ${shape.height}x${shape.width}` : ''}`;
  }
  return undefined;
}
