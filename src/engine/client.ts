import { fork, type ChildProcess } from 'node:child_process';
import { parseEngineMessage, type AnalyzeParams, type EngineStage, type EngineToHost } from './protocol';
import type { AnalysisResult, ImageArrays, ImageMomentsReport } from './analysis/result';

export interface RunHandlers {
  readonly onProgress?: (stage: EngineStage, fraction: number, message: string) => void;
  readonly onLog?: (message: string) => void;
  readonly onPartial?: (imageIndex: number, moments: ImageMomentsReport, arrays: ImageArrays) => void;
  readonly signal?: AbortSignal;
}

export class EngineCancelled extends Error {
  constructor() {
    super('analysis cancelled');
    this.name = 'EngineCancelled';
  }
}

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
  installExitHook();
  return new Promise((resolve, reject) => {
    if (handlers.signal?.aborted) return reject(new EngineCancelled());
    const child = fork(enginePath, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    live.add(child);
    let settled = false;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.stdout?.on('data', (d: Buffer) => handlers.onLog?.(d.toString().trimEnd()));
    const finish = (err: Error | null, result?: AnalysisResult) => {
      if (settled) return;
      settled = true;
      handlers.signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      live.delete(child);
      if (err) reject(err);
      else resolve(result!);
    };
    const onAbort = () => finish(new EngineCancelled());
    handlers.signal?.addEventListener('abort', onAbort);
    child.on('message', (raw) => {
      let msg: EngineToHost;
      try {
        msg = parseEngineMessage(raw);
      } catch (e) {
        return finish(e as Error);
      }
      switch (msg.type) {
        case 'ready':
          child.send({ type: 'analyze', id: 1, params });
          break;
        case 'progress':
          handlers.onProgress?.(msg.stage, msg.fraction, msg.message);
          break;
        case 'log':
          handlers.onLog?.(msg.message);
          break;
        case 'partial':
          handlers.onPartial?.(msg.imageIndex, msg.moments, msg.arrays);
          break;
        case 'result':
          finish(null, msg.result);
          break;
        case 'error':
          finish(new Error(msg.message));
          break;
      }
    });
    child.on('error', (e) => finish(new Error(`engine process failed to start: ${e.message}`)));
    child.on('exit', (code, signal) => {
      const detail = stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : '';
      finish(new Error(`engine process ended unexpectedly (${signal ?? `exit code ${code}`})${detail}`));
    });
  });
}

/** Number of engine processes this host is running (tests check that none is left). */
export function liveEngineCount(): number {
  return live.size;
}
