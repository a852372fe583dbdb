// Python's lexical rules shared by AugLens' two scanners of Python text: the policy lexer (core/policy/lexer.ts,
// strict, decodes string values) and the tolerant tokenizer of training scripts (tokenizer.ts).

/** Blanks between tokens; '\r' too, so that CRLF line ends read as LF. */
export function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\f' || c === '\r';
}

/** The end of a comment starting at `at` (a '#'): the line break after it, or the end of the text. */
export function commentEnd(text: string, at: number): number {
  let i = at;
  while (i < text.length && text[i] !== '\n') i++;
  return i;
}

/** The length of a line continuation at `at`, a backslash right before LF (2) or CRLF (3); 0 when there is none. */
export function continuationLength(text: string, at: number): number {
  if (text[at] !== '\\') return 0;
  if (text[at + 1] === '\n') return 2;
  return text[at + 1] === '\r' && text[at + 2] === '\n' ? 3 : 0;
}

/** A decimal literal: 12, 1_000, 3.5, 5., .5, 1e-3, 2.5E+4. */
export const DECIMAL_NUMBER = String.raw`(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?`;

export const OPENERS = '([{';
export const CLOSERS = ')]}';
