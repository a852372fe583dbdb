import type { Worker } from 'node:worker_threads';
import { HEARTBEAT_INTERVAL_MS, parseHostMessage, type EngineToHost } from './protocol';
import { startWorkerJob } from './workerJob';

/**
 * The engine's main thread: forwards one request to a worker thread running `entry` and relays the worker's messages
 * to the host. Its event loop stays free while the worker computes, so it beats every HEARTBEAT_INTERVAL_MS and ends
 * the whole process within one beat of the parent's death: on the IPC 'disconnect' event, or, as a backstop (an IPC
 * socket kept open elsewhere), when the parent pid changes because the process was re-parented.
 * Ending is a SIGKILL to itself: a clean exit would wait for the worker, which may be inside onnxruntime.
 */
export function superviseEngine(entry: string): void {
  const parentPid = process.ppid;
  const end = (): never => process.kill(process.pid, 'SIGKILL') as never;
  const send = (msg: EngineToHost) => {
    if (process.connected) process.send?.(msg);
  };
  process.on('disconnect', end);
  setInterval(() => {
    if (process.ppid !== parentPid || !process.connected) end();
    send({ type: 'heartbeat' });
  }, HEARTBEAT_INTERVAL_MS);

  let worker: Worker | null = null;
  process.on('message', (raw) => {
    // The reply to a malformed request carries its id when it has one, so that the host pairs it with the request.
    const rawId = (raw as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'number' ? rawId : -1;
    try {
      const msg = parseHostMessage(raw);
      if (msg.type === 'cancel') return end();
      if (worker) throw new Error('engine: one request per engine process');
      worker = startWorkerJob(entry, msg, send);
    } catch (e) {
      send({ type: 'error', id, code: 'request', message: e instanceof Error ? e.message : String(e) });
    }
  });
  send({ type: 'ready' });
}
