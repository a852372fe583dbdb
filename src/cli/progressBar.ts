/** A one-line progress bar on a terminal's stderr; silent when stderr is not a terminal. */
export function progressBar(stream: NodeJS.WriteStream) {
  let last = '';
  return {
    update(stage: string, fraction: number, message: string) {
      if (!stream.isTTY) return;
      const width = 24;
      const filled = Math.round(Math.min(Math.max(fraction, 0), 1) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${stage}: ${message}`.slice(0, (stream.columns ?? 100) - 1);
      if (line !== last) stream.write(`\r\x1b[2K${line}`);
      last = line;
    },
    clear() {
      if (stream.isTTY && last) stream.write('\r\x1b[2K');
      last = '';
    },
  };
}
