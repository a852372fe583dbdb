// The policy is parsed before the engine starts, so that an error is printed with its line, column and a caret
// line under the offending text (the engine reports plain messages).
import { PolicyError, errorFrame, parsePolicy, printable } from '../core/policy';

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

/** The policy text of `--policy SPEC` (`@FILE` read, a leading byte-order mark dropped), checked by the parser. */
export function checkedPolicy(spec: string, readPolicyFile: (path: string) => string): string {
  const fromFile = spec.startsWith('@');
  const text = fromFile ? readPolicyFile(spec.slice(1)).replace(/^\ufeff/, '') : spec;
  try {
    parsePolicy(text);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const f = errorFrame(text, error.span);
    const where = fromFile ? printable(spec.slice(1), 200) : '--policy';
    throw new PolicyInputError(`${where}:${f.line}:${f.column}: ${error.message}`, `  ${f.source}\n  ${f.carets}`);
  }
  return text;
}
