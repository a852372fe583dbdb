// Both scanners of Python text (the policy lexer and the training-script tokenizer) follow one set of lexical rules:
// a backslash before a line break continues the line whether the break is LF or CRLF.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize } from '../../../../src/core/policy/lexer';
import { parsePolicy } from '../../../../src/core/policy';
import { tokenizePython } from '../../../../src/core/python/tokenizer';

const LF = 'RandomCrop(8) \\\nRandomHorizontalFlip()';
const CRLF = 'RandomCrop(8) \\\r\nRandomHorizontalFlip()';

test('a backslash before CRLF continues the line in the policy lexer, as before LF', () => {
  const kinds = (text: string) => tokenize(text).map((t) => (t.type === 'punct' || t.type === 'name' ? t.text : t.type));
  assert.deepEqual(kinds(CRLF), kinds(LF));
  assert.ok(!kinds(CRLF).includes('newline') && !kinds(CRLF).includes('error'), kinds(CRLF).join(' '));
  assert.deepEqual(kinds('a\r\nb'), ['a', 'newline', 'b', 'eof']);
});

test('a backslash before CRLF continues the line in the script tokenizer, as before LF', () => {
  const texts = (source: string) => tokenizePython(source).map((t) => t.text);
  assert.deepEqual(texts(`x = ${CRLF}\r\ny = 1`), texts(`x = ${LF}\ny = 1`));
  assert.equal(tokenizePython(`x = ${CRLF}`).filter((t) => t.kind === 'newline').length, 0);
});

test('a policy continued over a CRLF line break parses as over LF', () => {
  const policy = (text: string) => JSON.stringify(parsePolicy(text), (key, value) => (key === 'span' ? undefined : value));
  assert.equal(policy('RandomCrop(8); \\\r\nRandomHorizontalFlip()'), policy('RandomCrop(8); \\\nRandomHorizontalFlip()'));
});
