import assert from 'node:assert/strict';
import { parsePolicy, PolicyError, type PolicyErrorKind } from '../../../../src/core/policy/index';

/** A spec without its source spans, for comparing structure. */
export function withoutSpans<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutSpans) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'span').map(([k, v]) => [k, withoutSpans(v)])) as T;
  }
  return value;
}

/** The transforms of a parsed policy, without spans. */
export function parsed(text: string) {
  return withoutSpans(parsePolicy(text)).transforms;
}

/**
 * Asserts that parsing fails with this kind and message, and that the error's span covers exactly `at`
 * (the `occurrence`-th appearance of that substring in the text; '' means the empty span at `emptyAt`, default 0).
 */
export function assertPolicyError(
  text: string,
  expected: { kind: PolicyErrorKind; message: string | RegExp; at: string; occurrence?: number; emptyAt?: number },
): PolicyError {
  let error: unknown;
  try {
    parsePolicy(text);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof PolicyError, `expected a PolicyError for ${JSON.stringify(text)}, got ${String(error)}`);
  assert.equal(error.kind, expected.kind, error.message);
  if (typeof expected.message === 'string') assert.equal(error.message, expected.message);
  else assert.match(error.message, expected.message);
  assert.ok(!error.message.includes('\n'), 'message must be one line');
  let start = expected.at === '' ? expected.emptyAt ?? 0 : -1;
  if (expected.at !== '') {
    for (let k = 0; k <= (expected.occurrence ?? 0); k++) start = text.indexOf(expected.at, start + 1);
    assert.ok(start >= 0, `test bug: '${expected.at}' not in the text`);
  }
  assert.deepEqual(error.span, { start, end: start + expected.at.length }, `span of: ${error.message}`);
  return error;
}
