import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { printable } from '../../../../src/core/policy/errors';
import { parsePolicy, PolicyError } from '../../../../src/core/policy/index';
import { MAX_NESTING, parseProgram } from '../../../../src/core/policy/parser';
import { assertPolicyError, parsed } from './helpers';

const nested = (open: string, inner: string, close: string, depth: number) => open.repeat(depth) + inner + close.repeat(depth);

describe('nesting depth', () => {
  it(`parses ${MAX_NESTING} levels and stops at the next one with a syntax error, not a stack overflow`, () => {
    assert.doesNotThrow(() => parseProgram(nested('[', '1', ']', MAX_NESTING - 1)));
    const deepest = nested('[', '1', ']', MAX_NESTING);
    assertPolicyError(deepest, {
      kind: 'syntax',
      message: `syntax error: the policy is nested more than ${MAX_NESTING} levels deep (brackets, calls or signs)`,
      at: '1',
    });
  });

  for (const [what, text] of [
    ['brackets', nested('[', '', ']', 5000)],
    ['calls', nested('Compose([', 'RandomCrop(8)', '])', 5000)],
    ['parentheses', nested('(', '1', ')', 5000)],
    ['signs', `${'-'.repeat(5000)}1`],
    ['JSON objects', nested('{"policy": [', '', ']}', 5000)],
  ]) {
    it(`5,000-deep ${what} give the nesting error`, () => {
      assert.throws(() => parsePolicy(text), (e: unknown) => e instanceof PolicyError && /nested more than 100 levels deep/.test(e.message));
    });
  }

  it('real policies nest far less: a Compose 20 levels deep is read', () => {
    let [spec] = parsed(nested('Compose([', 'RandomHorizontalFlip(0.25)', '])', 20));
    let levels = 1;
    for (; spec.kind === 'Compose'; levels++) spec = spec.transforms[0];
    assert.equal(levels, 20);
    assert.deepEqual(spec, { kind: 'RandomHorizontalFlip', p: 0.25 });
  });
});

describe("Python's float() and math/numpy constants are numbers", () => {
  it("float('0.25'), float(3) and float(' 1_0 ') read as those numbers", () => {
    assert.deepEqual(parsed("RandomHorizontalFlip(p=float('0.25'))"), [{ kind: 'RandomHorizontalFlip', p: 0.25 }]);
    assert.deepEqual(parsed("RandomCrop(float(3) + float(' 1_0 ') - 5)").map((t) => t.kind === 'RandomCrop' && t.size), [[8, 8]]);
  });
});

describe('echoed text', () => {
  it('escapes invisible characters and cuts long text with an ellipsis', () => {
    assert.equal(printable('a\u0000b\ufeffc\u200bd\te'), 'a\\x00b\\ufeffc\\u200bd\\x09e');
    assert.equal(printable('x'.repeat(100_000)), `${'x'.repeat(77)}...`);
    assert.equal(printable('\u0000'.repeat(30), 20), `${'\\x00'.repeat(4)}...`);
    assert.equal(printable('RandomCrop(32)'), 'RandomCrop(32)');
  });

  it('a 100 kB identifier is named in at most 80 characters, and quickly', () => {
    const name = 'A'.repeat(100_000);
    const started = Date.now();
    const error = assertPolicyError(`${name}()`, { kind: 'unknown-transform', message: /^unknown transform 'A{77}\.\.\.'; supported: /, at: name });
    assert.ok(error.message.length < 600, `${error.message.length} characters`);
    assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
  });
});
