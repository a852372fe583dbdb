import { progressBar } from './progressBar';

/** Seconds between plain progress lines when stderr is not a terminal (a log file, a cluster job's output). */
const LINE_INTERVAL_MS = 10_000;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * A dataset run's progress on stderr: images done of the slice, failures, images per second and the time left. On a
 * terminal the one-line bar (with the current image's stage); otherwise a plain line every 10 s and at the end.
 */
export function datasetProgress(stream: NodeJS.WriteStream, toDo: number, alreadyDone: number) {
  const bar = progressBar(stream);
  const start = Date.now();
  let done = 0;
  let failed = 0;
  let lastLine = 0;
  const status = () => {
    const rate = done / Math.max((Date.now() - start) / 1000, 1e-3);
    const eta = done ? (toDo - done) / rate : Infinity;
    const resumed = alreadyDone ? ` (${alreadyDone} done before)` : '';
    return `${done}/${toDo} images${resumed}${failed ? `, ${failed} failed` : ''}, ${rate.toFixed(2)} images/s, ETA ${duration(eta)}`;
  };
  return {
    /** The engine's progress within the slice (fraction of all images to do) and the current image's stage. */
    stage(fraction: number, message: string) {
      bar.update('dataset', fraction, `${status()} | ${message}`);
    },
    image(ok: boolean) {
      done++;
      if (!ok) failed++;
      if (stream.isTTY) bar.update('dataset', toDo ? done / toDo : 1, status());
      else if (Date.now() - lastLine >= LINE_INTERVAL_MS || done === toDo) {
        lastLine = Date.now();
        stream.write(`auglens: ${status()}\n`);
      }
    },
    clear() {
      bar.clear();
    },
  };
}
