// Checks a policy text as the user types, with the parser the engine runs. Pure.
import { PolicyError, formatPolicy, lineColumn, parsePolicy } from '../src/core/policy';

/** The parse result of a policy text: its canonical form, or the error with its position and a caret line. */
export type PolicyCheck = { ok: true; canonical: string } | { ok: false; message: string; frame: string };

export function checkPolicy(text: string): PolicyCheck {
  try {
    return { ok: true, canonical: formatPolicy(parsePolicy(text)) };
  } catch (error) {
    if (!(error instanceof PolicyError)) return { ok: false, message: String(error), frame: '' };
    const { line, column } = lineColumn(text, error.span.start);
    const source = text.split('\n')[line - 1] ?? '';
    const width = Math.max(1, Math.min(error.span.end - error.span.start, source.length - column + 1));
    return {
      ok: false,
      message: `line ${line}, column ${column}: ${error.message}`,
      frame: `${source}\n${' '.repeat(column - 1)}${'^'.repeat(width)}`,
    };
  }
}
