import type { SourceSpan } from './types';

/** What went wrong, for callers that react differently (e.g. editor diagnostics). */
export const POLICY_ERROR_KINDS = ['syntax', 'unknown-transform', 'unsupported-transform', 'argument', 'structure'] as const;

export type PolicyErrorKind = (typeof POLICY_ERROR_KINDS)[number];

/** A policy that cannot be parsed or bound. `message` is one line; `span` indexes the policy text. */
export class PolicyError extends Error {
  readonly span: SourceSpan;
  readonly kind: PolicyErrorKind;

  constructor(kind: PolicyErrorKind, message: string, span: SourceSpan) {
    super(message);
    this.name = 'PolicyError';
    this.kind = kind;
    this.span = span;
  }
}

/** 1-based line and column of an offset, for messages such as `policy:1:23`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** The source text of a span as one short line, for "got ..." in messages. */
export function snippet(text: string, span: SourceSpan, maxLength = 40): string {
  return printable(text.slice(span.start, span.end).replace(/\s+/g, ' ').trim(), maxLength);
}

// C0/C1 controls, the byte-order mark, zero-width and bidirectional marks: invisible or misleading when printed.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Text echoed in a message: invisible characters escaped (`\x00`, `\ufeff`), cut to `maxLength` with "...". */
export function printable(text: string, maxLength = 80): string {
  const pieces = [...text.slice(0, maxLength + 1)].map((c) => c.replace(INVISIBLE, escape));
  if (text.length <= maxLength && pieces.join('').length <= maxLength) return pieces.join('');
  let shown = '';
  for (const piece of pieces) {
    if (shown.length + piece.length > maxLength - 3) break;
    shown += piece;
  }
  return `${shown}...`;
}

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
