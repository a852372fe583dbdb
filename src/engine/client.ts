import { fork, type ChildProcess } from 'node:child_process';
import { EngineError } from './contract/engineErrors';
import { startWorkerJob } from './workerJob';
import type { AnalyzeParams, DatasetParams, EngineStage } from './contract/requests';
import { parseEngineMessage, type EngineToHost, type HostToEngine } from './protocol';
import type { AnalysisResult, ImageArrays, ImageMomentsReport } from './contract/report';
import type { DatasetRecord, RunDescription } from './contract/datasetRecord';
import type { ModelInspection } from './contract/modelInspection';

export interface RunHandlers {
  readonly onProgress?: (stage: EngineStage, fraction: number, message: string) => void;
  readonly onLog?: (message: string) => void;
  readonly onPartial?: (imageIndex: number, moments: ImageMomentsReport, arrays: ImageArrays) => void;
  readonly signal?: AbortSignal;
  /** How long the engine may stay silent before it is taken as stopped (default ENGINE_SILENCE_LIMIT_MS). */
  readonly silenceLimitMs?: number;
  /**
   * Run the engine in a worker thread of this process rather than a child process. Only for requests that load no
   * user model (image moments: their only native code is onnxruntime's MatMul on matrices the engine builds); it saves
   * a process start and a second load of the engine, most of a small run's time. The command line uses it; the
   * extension host never does.
   */
  readonly inProcess?: boolean;
}

/**
 * The engine beats every HEARTBEAT_INTERVAL_MS even while it computes (its analysis runs in a worker thread), so this
 * much silence means it was stopped (SIGSTOP, a frozen machine) or its main thread hangs: it is then killed.
 */
export const ENGINE_SILENCE_LIMIT_MS = 10_000;

export class EngineCancelled extends EngineError {
  constructor() {
    super('cancelled', 'analysis cancelled');
    this.name = 'EngineCancelled';
  }
}

let lastRequestId = 0;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every engine still running when the host exits, so none is left behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/**
 * Runs one analysis in a fresh engine process (`enginePath` is the built dist/engine.js). A cancel kills the child at
 * once: onnxruntime runs synchronously inside it, so it could not answer a message anyway.
 */
export function runAnalysis(enginePath: string, params: AnalyzeParams, handlers: RunHandlers = {}): Promise<AnalysisResult> {
  return runEngine(enginePath, { type: 'analyze', id: ++lastRequestId, params }, handlers, (msg) => {
    if (msg.type === 'progress') handlers.onProgress?.(msg.stage, msg.fraction, msg.message);
    else if (msg.type === 'partial') handlers.onPartial?.(msg.imageIndex, msg.moments, msg.arrays);
    else if (msg.type === 'result') return { value: msg.result };
    return undefined;
  });
}

export interface DatasetHandlers extends Pick<RunHandlers, 'onProgress' | 'onLog' | 'signal' | 'silenceLimitMs'> {
  /** The run's analysis blocks, before any record; throwing here (e.g. a resume that does not match) ends the run. */
  readonly onRun: (run: RunDescription) => void;
  /** One image's record as it finishes (`index` into params.images); throwing here ends the run. */
  readonly onRecord: (index: number, record: DatasetRecord) => void;
}

/** Runs a dataset in a fresh engine process: the model loaded once, one record per image as it finishes. */
export function runDataset(enginePath: string, params: DatasetParams, handlers: DatasetHandlers): Promise<void> {
  return runEngine(enginePath, { type: 'analyzeDataset', id: ++lastRequestId, params }, handlers, (msg) => {
    if (msg.type === 'progress') handlers.onProgress?.(msg.stage, msg.fraction, msg.message);
    else if (msg.type === 'datasetRun') handlers.onRun(msg.run);
    else if (msg.type === 'record') handlers.onRecord(msg.index, msg.record);
    else if (msg.type === 'datasetDone') return { value: undefined };
    return undefined;
  });
}

/** Loads a model in a fresh engine process and describes it (graph facts, output kind, preprocessing guess). */
export function runInspection(
  enginePath: string,
  modelPath: string,
  options: { readonly threads?: number; readonly signal?: AbortSignal; readonly silenceLimitMs?: number } = {},
): Promise<ModelInspection> {
  const request: HostToEngine = { type: 'inspect', id: ++lastRequestId, modelPath, threads: options.threads };
  return runEngine(enginePath, request, options, (msg) => (msg.type === 'modelInfo' ? { value: msg.info } : undefined));
}

/**
 * Forks the engine (or starts it in a worker thread, `inProcess`), gives it `request` and settles with what `answer`
 * picks from its messages ('log', 'heartbeat' and 'error' are handled here; a message for another request id fails the
 * run). The engine is ended when the promise settles, so none is left behind, and a child process also when it stays
 * silent past the silence limit. The engine's failures reject with an EngineError and its code; an error thrown by
 * `answer` rejects as it is.
 */
function runEngine<T>(
  enginePath: string,
  request: Exclude<HostToEngine, { type: 'cancel' }>,
  handlers: Pick<RunHandlers, 'onLog' | 'signal' | 'silenceLimitMs' | 'inProcess'>,
  answer: (msg: EngineToHost) => { value: T } | undefined,
): Promise<T> {
  return new Promise((resolve, reject) => {
    if (handlers.signal?.aborted) return reject(new EngineCancelled());
    let settled = false;
    const finish = (err: Error | null, result?: { value: T }) => {
      if (settled) return;
      settled = true;
      engine.stop();
      handlers.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(result!.value);
    };
    const onAbort = () => finish(new EngineCancelled());
    const onMessage = (raw: unknown) => {
      let msg: EngineToHost;
      try {
        msg = parseEngineMessage(raw);
      } catch (e) {
        return finish(new EngineError('protocol', (e as Error).message));
      }
      if (msg.type === 'heartbeat' || msg.type === 'ready') return;
      if (msg.id !== request.id) {
        const said = msg.type === 'error' ? ` (${msg.message})` : '';
        return finish(new EngineError('protocol', `the engine answered request ${msg.id} with '${msg.type}'${said} while request ${request.id} was in flight`));
      }
      if (msg.type === 'log') handlers.onLog?.(msg.message);
      else if (msg.type === 'error') finish(new EngineError(msg.code, msg.message, msg.details));
      else {
        let done;
        try {
          done = answer(msg);
        } catch (e) {
          return finish(e as Error);
        }
        if (done) finish(null, done);
      }
    };
    const engine = handlers.inProcess ? workerEngine(enginePath, request, onMessage) : childEngine(enginePath, request, handlers, onMessage, finish);
    handlers.signal?.addEventListener('abort', onAbort);
  });
}

interface RunningEngine {
  stop(): void;
}

/** The engine's worker thread started in this process: a cancel terminates it. */
function workerEngine(enginePath: string, request: Exclude<HostToEngine, { type: 'cancel' }>, onMessage: (raw: unknown) => void): RunningEngine {
  const worker = startWorkerJob(enginePath, request, onMessage);
  return { stop: () => void worker.terminate() };
}

/** The engine in a child process: the request is sent once it says 'ready'; its exit and its silence end the run. */
function childEngine(
  enginePath: string,
  request: HostToEngine,
  handlers: Pick<RunHandlers, 'onLog' | 'silenceLimitMs'>,
  onMessage: (raw: unknown) => void,
  finish: (err: Error) => void,
): RunningEngine {
  installExitHook();
  const child = fork(enginePath, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  live.add(child);
  let stderr = '';
  const watch = watchSilence(handlers.silenceLimitMs ?? ENGINE_SILENCE_LIMIT_MS, (seconds) =>
    finish(new EngineError('engine-silent', `the analysis engine stopped responding (silent for ${seconds} s); it was ended`)),
  );
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.stdout?.on('data', (d: Buffer) => handlers.onLog?.(d.toString().trimEnd()));
  child.on('message', (raw) => {
    watch.heard();
    if ((raw as { type?: unknown } | null)?.type === 'ready') child.send(request);
    onMessage(raw);
  });
  child.on('error', (e) => finish(new EngineError('engine-start', `engine process failed to start: ${e.message}`)));
  child.on('exit', (code, signal) => {
    const detail = stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : '';
    finish(new EngineError('engine-exit', `engine process ended unexpectedly (${signal ?? `exit code ${code}`})${detail}`));
  });
  return {
    stop: () => {
      watch.stop();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      live.delete(child);
    },
  };
}

/**
 * Calls `onSilent` once `limitMs` pass without `heard()`. Time during which this host's own event loop was stalled
 * (a tick arriving much later than scheduled) is not counted against the engine: its messages may be queued unread.
 */
function watchSilence(limitMs: number, onSilent: (seconds: number) => void): { heard(): void; stop(): void } {
  const tickMs = Math.min(1000, limitMs / 4);
  let lastHeard = Date.now();
  let lastTick = lastHeard;
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - lastTick > 3 * tickMs) lastHeard += now - lastTick - tickMs;
    lastTick = now;
    if (now - lastHeard > limitMs) onSilent(Math.round((now - lastHeard) / 1000));
  }, tickMs);
  timer.unref();
  return {
    heard: () => (lastHeard = Date.now()),
    stop: () => clearInterval(timer),
  };
}

/** Number of engine processes this host is running (tests check that none is left). */
export function liveEngineCount(): number {
  return live.size;
}
