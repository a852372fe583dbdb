import { isMainThread } from 'node:worker_threads';
import { runJob } from './job';
import { superviseEngine } from './supervisor';

/**
 * Engine child process. Its main thread only talks to the host (messages, heartbeat, watching the parent); the
 * analysis runs in a worker thread started from this same file, so a long synchronous computation never keeps the
 * process from noticing that its parent is gone.
 */
if (isMainThread) superviseEngine(__filename);
else runJob();
