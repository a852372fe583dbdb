// The policy is parsed before the engine starts, so that an error is printed with its line, column and a caret
// line under the offending text (the engine reports plain messages).
import { PolicyError, lineColumn, parsePolicy, printable } from '../core/policy';

/** A policy that does not parse: `message` is `WHERE:LINE:COLUMN: what`, `frame` the source line and carets. */
export class PolicyInputError extends Error {
  constructor(
    message: string,
    readonly frame: string,
  ) {
    super(message);
    this.name = 'PolicyInputError';
  }
}

/** Columns of source shown around the error in the frame. */
const FRAME_WIDTH = 80;

/** The policy text of `--policy SPEC` (`@FILE` read, a leading byte-order mark dropped), checked by the parser. */
export function checkedPolicy(spec: string, readPolicyFile: (path: string) => string): string {
  const fromFile = spec.startsWith('@');
  const text = fromFile ? readPolicyFile(spec.slice(1)).replace(/^\ufeff/, '') : spec;
  try {
    parsePolicy(text);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const { line, column } = lineColumn(text, error.span.start);
    const where = fromFile ? printable(spec.slice(1), 200) : '--policy';
    throw new PolicyInputError(`${where}:${line}:${column}: ${error.message}`, frame(text, line, column, error.span.end - error.span.start));
  }
  return text;
}

/** The error's source line (a window of it when long, invisible characters escaped) and carets under the span. */
function frame(text: string, line: number, column: number, length: number): string {
  const source = (text.split('\n')[line - 1] ?? '').replace(/\r$/, '');
  const start = column - 1;
  const from = Math.max(0, Math.min(start - FRAME_WIDTH / 4, source.length - FRAME_WIDTH));
  const to = Math.min(source.length, from + FRAME_WIDTH);
  const shown = [...source.slice(from, to)].map((c) => (c === '\t' ? ' ' : printable(c)));
  const before = source.slice(from, start);
  const at = [...before].length;
  const span = [...source.slice(start, Math.min(to, start + Math.max(1, length)))].length;
  const pad = shown.slice(0, at).join('').length;
  const width = Math.max(1, shown.slice(at, at + span).join('').length);
  const head = from > 0 ? '...' : '';
  const tail = to < source.length ? '...' : '';
  return `  ${head}${shown.join('')}${tail}\n  ${' '.repeat(head.length + pad)}${'^'.repeat(width)}`;
}
