import type { SourceSpan } from '../policy/types';

/** Replace `span` of the source with `text`: an obvious fix for a policy error. */
export interface TextFix {
  readonly span: SourceSpan;
  readonly text: string;
  readonly title: string;
}

/** Policy error messages that carry a suggestion: an unknown transform or argument name close to a known one. */
const SUGGESTIONS: readonly RegExp[] = [
  /unknown transform '(?:[\w.]+\.)?(\w+)' \(did you mean (\w+)\?\)/,
  /has no argument '(\w+)' \(did you mean (\w+)\?\)/,
];

/**
 * The fix a PolicyError suggests ("did you mean RandomCrop?"), located at the last occurrence of the misspelled
 * name inside `span` of `source` (the span may hold more, e.g. `T.RandomCorp` or the quotes of a JSON string).
 */
export function suggestedFix(message: string, span: SourceSpan, source: string): TextFix | undefined {
  for (const pattern of SUGGESTIONS) {
    const match = pattern.exec(message);
    if (!match) continue;
    const [, wrong, right] = match;
    const at = source.slice(span.start, span.end).lastIndexOf(wrong);
    if (at < 0) return undefined;
    const start = span.start + at;
    return { span: { start, end: start + wrong.length }, text: right, title: `Replace '${wrong}' with '${right}'` };
  }
  return undefined;
}
