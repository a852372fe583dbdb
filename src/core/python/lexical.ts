// Python's lexical rules shared by AugLens' two scanners of Python text: the policy lexer (core/policy/lexer.ts,
// strict, decodes string values) and the tolerant tokenizer of training scripts (tokenizer.ts).

/**
 * The end of the blanks, comments and line continuations starting at `at` (`at` itself when there are none): what
 * separates tokens without ending a logical line. Blanks include '\r', so that CRLF line ends read as LF, and a line
 * continuation is a backslash right before LF or CRLF.
 */
export function triviaEnd(text: string, at: number): number {
  let i = at;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\f' || c === '\r') i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '\\' && text[i + 1] === '\n') i += 2;
    else if (c === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') i += 3;
    else break;
  }
  return i;
}

/** A decimal literal: 12, 1_000, 3.5, 5., .5, 1e-3, 2.5E+4. */
export const DECIMAL_NUMBER = String.raw`(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?`;

export const OPENERS = '([{';
export const CLOSERS = ')]}';
