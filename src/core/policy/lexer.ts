import { PolicyError, printable } from './errors';
import type { SourceSpan } from './types';
import { CLOSERS, DECIMAL_NUMBER, OPENERS, triviaEnd } from '../python/lexical';

export type Punct = '(' | ')' | '[' | ']' | '{' | '}' | ',' | ':' | ';' | '=' | '.' | '+' | '-' | '*' | '/';

export type Token =
  | { readonly type: 'number'; readonly value: number; readonly span: SourceSpan }
  | { readonly type: 'string'; readonly value: string; readonly offsets: readonly number[]; readonly span: SourceSpan }
  | { readonly type: 'name'; readonly text: string; readonly span: SourceSpan }
  | { readonly type: 'punct'; readonly text: Punct; readonly span: SourceSpan }
  /** A line break outside brackets: it separates transforms, like `;`. */
  | { readonly type: 'newline'; readonly span: SourceSpan }
  | { readonly type: 'eof'; readonly span: SourceSpan }
  /** Ends the tokens where the text cannot be split; the parser throws it when it gets there. */
  | { readonly type: 'error'; readonly error: PolicyError; readonly span: SourceSpan };

const PUNCT = new Set<string>(['(', ')', '[', ']', '{', '}', ',', ':', ';', '=', '.', '+', '-', '*', '/']);
export const NUMBER = new RegExp(DECIMAL_NUMBER, 'y');
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const ESCAPES = new Map([['n', '\n'], ['t', '\t'], ['r', '\r'], ['b', '\b'], ['f', '\f'], ['\\', '\\'], ["'", "'"], ['"', '"'], ['/', '/']]);

/**
 * Splits policy text into tokens, ending with 'eof' or, at the first character that cannot start a token, with an
 * 'error' token (so that errors are reported in source order). `origin`, when given, maps each offset of `text`
 * (and text.length) to an offset in the original policy text: used when the policy is itself a string literal
 * inside a JSON document.
 */
export function tokenize(text: string, origin?: readonly number[]): Token[] {
  const tokens: Token[] = [];
  try {
    scan(text, origin, tokens);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    tokens.push({ type: 'error', error, span: error.span });
  }
  return tokens;
}

/** Appends the tokens of `text` and 'eof', or throws at the first character that cannot start a token. */
function scan(text: string, origin: readonly number[] | undefined, tokens: Token[]): void {
  const at = (i: number): number => (origin ? origin[i] : i);
  const span = (start: number, end: number): SourceSpan => ({ start: at(start), end: at(end) });
  const fail = (message: string, start: number, end: number): never => {
    throw new PolicyError('syntax', `syntax error: ${message}`, span(start, end));
  };

  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const next = triviaEnd(text, i);
    if (next > i) {
      i = next;
      continue;
    }
    const c = text[i];
    if (c === '\n') {
      if (depth === 0) tokens.push({ type: 'newline', span: span(i, i + 1) });
      i++;
    } else if (c === "'" || c === '"') {
      const token = readString(text, i, at, fail);
      tokens.push(token.token);
      i = token.end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const raw = NUMBER.exec(text)![0];
      const end = i + raw.length;
      if (/[A-Za-z0-9_.]/.test(text[end] ?? '')) {
        let bad = end;
        while (/[A-Za-z0-9_.]/.test(text[bad] ?? '')) bad++;
        fail(`invalid number literal '${printable(text.slice(i, bad))}'`, i, bad);
      }
      tokens.push({ type: 'number', value: Number(raw.replace(/_/g, '')), span: span(i, end) });
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      NAME.lastIndex = i;
      const raw = NAME.exec(text)![0];
      tokens.push({ type: 'name', text: raw, span: span(i, i + raw.length) });
      i += raw.length;
    } else if (PUNCT.has(c)) {
      if (OPENERS.includes(c)) depth++;
      if (CLOSERS.includes(c)) depth = Math.max(0, depth - 1);
      tokens.push({ type: 'punct', text: c as Punct, span: span(i, i + 1) });
      i++;
    } else {
      const char = String.fromCodePoint(text.codePointAt(i)!);
      fail(`unexpected character '${printable(char)}'${c === '\ufeff' ? ' (a byte-order mark)' : ''}`, i, i + char.length);
    }
  }
  tokens.push({ type: 'eof', span: span(text.length, text.length) });
}

function readString(
  text: string,
  start: number,
  at: (i: number) => number,
  fail: (message: string, start: number, end: number) => never,
): { token: Token; end: number } {
  const quote = text[start];
  let value = '';
  const offsets: number[] = [];
  let i = start + 1;
  while (true) {
    if (i >= text.length || text[i] === '\n') fail('unterminated string', start, i);
    const c = text[i];
    if (c === quote) break;
    offsets.push(at(i));
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1] ?? '';
    const hexLength = e === 'u' ? 4 : e === 'x' ? 2 : 0;
    if (hexLength > 0) {
      let digits = 0;
      while (digits < hexLength && /[0-9A-Fa-f]/.test(text[i + 2 + digits] ?? '')) digits++;
      if (digits < hexLength) fail(`bad escape '${printable(text.slice(i, i + 2 + digits))}'`, i, i + 2 + digits);
      value += String.fromCharCode(parseInt(text.slice(i + 2, i + 2 + hexLength), 16));
      i += 2 + hexLength;
    } else if (ESCAPES.has(e)) {
      value += ESCAPES.get(e);
      i += 2;
    } else {
      value += c; // Python keeps an unknown escape's backslash
      i++;
    }
  }
  offsets.push(at(i));
  return { token: { type: 'string', value, offsets, span: { start: at(start), end: at(i + 1) } }, end: i + 1 };
}
