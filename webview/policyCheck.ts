// Checks a policy text as the user types, with the parser the engine runs. Pure.
import { PolicyError, errorFrame, formatPolicy, parsePolicy } from '../src/core/policy';

/** The parse result of a policy text: its canonical form, or the error with its position and a caret line. */
export type PolicyCheck = { ok: true; canonical: string } | { ok: false; message: string; frame: string };

export function checkPolicy(text: string): PolicyCheck {
  try {
    return { ok: true, canonical: formatPolicy(parsePolicy(text)) };
  } catch (error) {
    if (!(error instanceof PolicyError)) return { ok: false, message: String(error), frame: '' };
    const f = errorFrame(text, error.span);
    return { ok: false, message: `line ${f.line}, column ${f.column}: ${error.message}`, frame: `${f.source}\n${f.carets}` };
  }
}
