import type { SourceSpan } from './types';

/** What went wrong, for callers that react differently (e.g. editor diagnostics). */
export type PolicyErrorKind =
  | 'syntax'
  | 'unknown-transform'
  | 'unsupported-transform'
  | 'argument'
  | 'structure';

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
  const flat = text.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 3)}...` : flat;
}
