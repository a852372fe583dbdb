import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node } from '../../../../src/core/policy/ast';
import { tokenize } from '../../../../src/core/policy/lexer';
import { parseProgram } from '../../../../src/core/policy/parser';

const text = (source: string, node: Node) => source.slice(node.span.start, node.span.end);

describe('lexer', () => {
  it('emits line breaks only outside brackets and skips comments and line continuations', () => {
    const source = 'A(1,\n  2)  # c\nB() \\\n C()';
    const types = tokenize(source).map((t) => (t.type === 'punct' || t.type === 'name' ? t.text : t.type));
    assert.deepEqual(types, ['A', '(', 'number', ',', 'number', ')', 'newline', 'B', '(', ')', 'C', '(', ')', 'eof']);
  });

  it('reads Python numbers', () => {
    const values = tokenize('1 1_000 2.5 5. .5 1e-3 2.5E+2 0').flatMap((t) => (t.type === 'number' ? [t.value] : []));
    assert.deepEqual(values, [1, 1000, 2.5, 5, 0.5, 0.001, 250, 0]);
  });

  it('decodes escapes and maps each decoded character back to its source offset', () => {
    const source = String.raw`'a\'b' "\u0041\n"`;
    const [first, second] = tokenize(source);
    assert.ok(first.type === 'string' && second.type === 'string');
    assert.equal(first.value, "a'b");
    assert.deepEqual(first.offsets, [1, 2, 4, 5]);
    assert.equal(second.value, 'A\n');
    assert.deepEqual(second.offsets, [8, 14, 16]);
  });

  it('ends with an error token where the text cannot be split', () => {
    const tokens = tokenize('A(1) @ B()');
    const last = tokens[tokens.length - 1];
    assert.deepEqual(tokens.map((t) => t.type), ['name', 'punct', 'number', 'punct', 'error']);
    assert.ok(last.type === 'error');
    assert.equal(last.error.message, "syntax error: unexpected character '@'");
    assert.deepEqual(last.span, { start: 5, end: 6 });
  });

  it('maps token spans through an origin', () => {
    const origin = [10, 11, 12, 14, 15];
    const [name, eof] = tokenize('Abc ', origin).map((t) => t.span);
    assert.deepEqual(name, { start: 10, end: 14 });
    assert.deepEqual(eof, { start: 15, end: 15 });
  });
});

describe('parser', () => {
  it('builds calls with positional and keyword arguments, dotted callees and spans', () => {
    const source = 'x = T.RandomCrop(32, padding=(4,), fill=None)';
    const [call] = parseProgram(source);
    assert.equal(call.type, 'call');
    if (call.type !== 'call') return;
    assert.deepEqual(call.callee.path, ['T', 'RandomCrop']);
    assert.equal(text(source, call), 'T.RandomCrop(32, padding=(4,), fill=None)');
    assert.equal(text(source, call.args[0]), '32');
    assert.deepEqual(call.keywords.map((k) => [k.name, source.slice(k.nameSpan.start, k.nameSpan.end), k.value.type, text(source, k.value)]), [
      ['padding', 'padding', 'tuple', '(4,)'],
      ['fill', 'fill', 'none', 'None'],
    ]);
  });

  it('tells tuples from parenthesised values and folds arithmetic', () => {
    const [tuple, paren, empty, arithmetic] = parseProgram('(1, 2); (3); (); -(1 + 2) * 2 / 4');
    assert.equal(tuple.type, 'tuple');
    assert.deepEqual(paren, { type: 'number', value: 3, span: { start: 9, end: 10 } });
    assert.deepEqual(empty, { type: 'tuple', items: [], span: { start: 13, end: 15 } });
    assert.equal(arithmetic.type === 'number' && arithmetic.value, -1.5);
  });

  it('reads JSON objects, lists and literals', () => {
    const source = '{"type": "RandomCrop", "size": [32, 32], "pad_if_needed": true, "fill": null}';
    const [dict] = parseProgram(source);
    assert.ok(dict.type === 'dict');
    assert.deepEqual(dict.entries.map((e) => [e.key.type === 'string' && e.key.value, e.value.type]), [
      ['type', 'string'], ['size', 'list'], ['pad_if_needed', 'bool'], ['fill', 'none'],
    ]);
  });

  it('keeps uncalled dotted names such as enums', () => {
    const [name] = parseProgram('T.InterpolationMode.BILINEAR');
    assert.deepEqual(name, { type: 'name', path: ['T', 'InterpolationMode', 'BILINEAR'], span: { start: 0, end: 28 } });
  });

  it('separates statements by ;, commas and line breaks, ignoring empty ones', () => {
    assert.equal(parseProgram(';\n A() ;; B(),\n\n C()\n;').length, 3);
    assert.equal(parseProgram('  # only a comment\n').length, 0);
  });

  it('reports each callee once its ( is seen, before parsing the arguments', () => {
    const seen: string[] = [];
    assert.throws(() => parseProgram('A(B(1), C(@))', { onCallee: (c) => void seen.push(c.path.join('.')) }), /unexpected character '@'/);
    assert.deepEqual(seen, ['A', 'B', 'C']);
  });
});
