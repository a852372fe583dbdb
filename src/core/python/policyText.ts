import type { SourceSpan } from '../policy/types';
import type { ArgValue, TransformCall } from './calls';

/**
 * The policy text of a transform call whose arguments are all literal, e.g. `T.RandomCrop(32, padding = 4)` ->
 * `RandomCrop(32, padding=4)`, with a map from offsets of that text back to the Python source, so that a
 * PolicyError's span lands on the right characters of the file.
 */
export interface PolicyText {
  readonly text: string;
  toSource(span: SourceSpan): SourceSpan;
}

interface Segment {
  readonly textStart: number;
  readonly textEnd: number;
  readonly source: SourceSpan;
  /** Text copied from the source character for character (else written here: every offset maps to `source`). */
  readonly verbatim: boolean;
}

/** Throws if an argument is opaque: only calls without opaque values have a policy text. */
export function policyTextOf(call: TransformCall, source: string): PolicyText {
  const segments: Segment[] = [];
  let text = '';
  const write = (piece: string, at: SourceSpan, verbatim = false): void => {
    if (piece.length === 0) return;
    segments.push({ textStart: text.length, textEnd: text.length + piece.length, source: at, verbatim });
    text += piece;
  };
  const copy = (span: SourceSpan): void => write(source.slice(span.start, span.end), span, true);

  const writeCall = (c: TransformCall): void => {
    write(c.name, c.callee);
    write('(', c.span);
    c.args.forEach((arg, i) => {
      if (i > 0) write(', ', arg.span);
      if (arg.keyword) {
        copy(arg.keyword.span);
        write('=', arg.span);
      }
      writeValue(arg.value);
    });
    write(')', { start: c.span.end - 1, end: c.span.end });
  };
  const writeValue = (value: ArgValue): void => {
    switch (value.kind) {
      case 'tokens':
        value.tokens.forEach((t, i) => {
          if (i > 0 && t.span.start > value.tokens[i - 1].span.end) write(' ', { start: value.tokens[i - 1].span.end, end: t.span.start });
          copy(t.span);
        });
        break;
      case 'spelled':
        write(value.text, value.span);
        break;
      case 'sequence':
        write(value.open, value.span);
        value.items.forEach((item, i) => {
          if (i > 0) write(', ', item.span);
          writeValue(item);
        });
        if (value.open === '(' && value.items.length === 1) write(',', value.span);
        write(value.open === '(' ? ')' : ']', { start: value.span.end - 1, end: value.span.end });
        break;
      case 'call':
        writeCall(value.call);
        break;
      case 'opaque':
        throw new Error(`policyTextOf: ${value.reason} is not a literal`);
    }
  };
  writeCall(call);
  return { text, toSource: (span) => mapSpan(segments, span) };
}

function mapSpan(segments: readonly Segment[], span: SourceSpan): SourceSpan {
  if (segments.length === 0) return span;
  const containing = (offset: number): Segment =>
    segments.find((s) => offset >= s.textStart && offset < s.textEnd) ?? segments[segments.length - 1];
  const first = containing(span.start);
  const start = first.verbatim ? first.source.start + (span.start - first.textStart) : first.source.start;
  if (span.end <= span.start) return { start, end: start };
  const last = containing(span.end - 1);
  const end = last.verbatim ? last.source.start + (span.end - last.textStart) : last.source.end;
  return { start, end: Math.max(start, end) };
}
