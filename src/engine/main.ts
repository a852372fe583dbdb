import { analyze } from './analysis/analyze';
import { inspectModel } from './inspect';
import { parseHostMessage, type EngineToHost } from './protocol';

/** Engine child process: one analysis per process; exits when the parent goes away. */
const send = (msg: EngineToHost) => process.send?.(msg);

process.on('disconnect', () => process.exit(0));
process.on('message', (raw) => {
  let id = -1;
  try {
    const msg = parseHostMessage(raw);
    id = msg.id;
    if (msg.type === 'cancel') process.exit(0);
    if (msg.type === 'inspect') {
      inspectModel(msg.modelPath, msg.threads)
        .then((info) => send({ type: 'modelInfo', id, info }))
        .catch((e: unknown) => send({ type: 'error', id, message: errorMessage(e) }));
      return;
    }
    analyze(msg.params, {
      progress: (stage, fraction, message) => send({ type: 'progress', id, stage, fraction, message }),
      log: (message) => send({ type: 'log', id, message }),
      partial: (imageIndex, moments, arrays) => send({ type: 'partial', id, imageIndex, moments, arrays }),
    })
      .then((result) => send({ type: 'result', id, result }))
      .catch((e: unknown) => send({ type: 'error', id, message: errorMessage(e) }));
  } catch (e) {
    send({ type: 'error', id, message: errorMessage(e) });
  }
});
send({ type: 'ready' });

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
