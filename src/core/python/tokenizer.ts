import type { SourceSpan } from '../policy/types';
import { CLOSERS, DECIMAL_NUMBER, OPENERS, triviaEnd } from './lexical';

/**
 * A tolerant Python tokenizer: enough of Python's lexical rules to find calls and their literal arguments in
 * training scripts that may be half-typed. It never throws: an unterminated string ends at its line (or, for a
 * triple-quoted one, at the end of the text) and an unknown character becomes an 'op' token.
 * Comments and line continuations produce no token; a 'newline' token marks the end of a logical line (a line
 * break outside brackets).
 */
export type PyTokenKind = 'name' | 'number' | 'string' | 'op' | 'newline';

export interface PyToken {
  readonly kind: PyTokenKind;
  /** The token's source text; for strings, prefix and quotes included. */
  readonly text: string;
  readonly span: SourceSpan;
}

export interface PyStringToken extends PyToken {
  readonly kind: 'string';
  /** Lower-cased prefix letters, e.g. '', 'r', 'f', 'rb'. */
  readonly prefix: string;
  readonly triple: boolean;
  readonly terminated: boolean;
}

const NAME = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/uy;
const NUMBER = new RegExp(String.raw`(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|${DECIMAL_NUMBER}[jJ]?)`, 'y');
const STRING_PREFIX = /(?:[rR][bBfF]?|[bBfF][rR]?|[uU])?(?='|")/y;
/** Longest operators first. */
const OPERATORS = [
  '**=', '//=', '>>=', '<<=', '...', '->', ':=', '==', '!=', '<=', '>=', '**', '//', '<<', '>>', '+=', '-=', '*=', '/=',
  '%=', '&=', '|=', '^=', '@=',
];

export function tokenizePython(source: string): PyToken[] {
  const tokens: PyToken[] = [];
  let depth = 0;
  let i = 0;
  const push = (kind: PyTokenKind, start: number, end: number): void => {
    tokens.push({ kind, text: source.slice(start, end), span: { start, end } });
  };
  while (i < source.length) {
    const next = triviaEnd(source, i);
    if (next > i) {
      i = next;
      continue;
    }
    const c = source[i];
    if (c === '\n') {
      if (depth === 0 && tokens.length > 0 && tokens[tokens.length - 1].kind !== 'newline') push('newline', i, i + 1);
      i++;
    } else if (startsString(source, i)) {
      const token = readString(source, i);
      tokens.push(token);
      i = token.span.end;
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(source[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const end = i + NUMBER.exec(source)![0].length;
      push('number', i, end);
      i = end;
    } else if (matchAt(NAME, source, i) > 0) {
      const end = i + matchAt(NAME, source, i);
      push('name', i, end);
      i = end;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i)) ?? c;
      if (OPENERS.includes(op)) depth++;
      if (CLOSERS.includes(op)) depth = Math.max(0, depth - 1);
      push('op', i, i + op.length);
      i += op.length;
    }
  }
  return tokens;
}

function matchAt(pattern: RegExp, source: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.exec(source)?.[0].length ?? 0;
}

function startsString(source: string, at: number): boolean {
  return matchAt(STRING_PREFIX, source, at) > 0 || source[at] === '"' || source[at] === "'";
}

function readString(source: string, start: number): PyStringToken {
  const prefixLength = matchAt(STRING_PREFIX, source, start);
  const prefix = source.slice(start, start + prefixLength).toLowerCase();
  const quoteAt = start + prefixLength;
  const quote = source[quoteAt];
  const triple = source.startsWith(quote.repeat(3), quoteAt);
  const closer = triple ? quote.repeat(3) : quote;
  let i = quoteAt + closer.length;
  let terminated = false;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      // A backslash escapes the next character, in raw strings too (r'\'' is a quote, not the end).
      i += 2;
    } else if (source.startsWith(closer, i)) {
      i += closer.length;
      terminated = true;
      break;
    } else if (c === '\n' && !triple) {
      break;
    } else {
      i++;
    }
  }
  const end = Math.min(i, source.length);
  return { kind: 'string', text: source.slice(start, end), span: { start, end }, prefix, triple, terminated };
}

export function isStringToken(token: PyToken): token is PyStringToken {
  return token.kind === 'string';
}
