import { lineColumn, printable } from './errors';
import type { SourceSpan } from './types';

/** Columns of source shown around an error. */
const FRAME_WIDTH = 80;

/** Where a policy error is, and its source line (a window of it when long, invisible characters escaped) over carets. */
export interface ErrorFrame {
  readonly line: number;
  readonly column: number;
  readonly source: string;
  readonly carets: string;
}

export function errorFrame(text: string, span: SourceSpan): ErrorFrame {
  const { line, column } = lineColumn(text, span.start);
  const source = (text.split('\n')[line - 1] ?? '').replace(/\r$/, '');
  const start = column - 1;
  const from = Math.max(0, Math.min(start - FRAME_WIDTH / 4, source.length - FRAME_WIDTH));
  const to = Math.min(source.length, from + FRAME_WIDTH);
  const shown = [...source.slice(from, to)].map((c) => (c === '\t' ? ' ' : printable(c)));
  const at = [...source.slice(from, start)].length;
  const spanLength = [...source.slice(start, Math.min(to, start + Math.max(1, span.end - span.start)))].length;
  const pad = shown.slice(0, at).join('').length;
  const width = Math.max(1, shown.slice(at, at + spanLength).join('').length);
  const head = from > 0 ? '...' : '';
  const tail = to < source.length ? '...' : '';
  return { line, column, source: `${head}${shown.join('')}${tail}`, carets: `${' '.repeat(head.length + pad)}${'^'.repeat(width)}` };
}
