import { spanOf, type CallNode, type DictEntry, type Keyword, type NameNode, type Node, type NumberNode } from './ast';
import { PolicyError, printable } from './errors';
import { NUMBER, tokenize, type Punct, type Token } from './lexer';
import type { SourceSpan } from './types';

export interface ParseOptions {
  /** Called with each callee as soon as its `(` is seen, so that a bad name is reported before a bad argument. */
  readonly onCallee?: (callee: NameNode) => void;
  /** Offset map of the text, see tokenize(). */
  readonly origin?: readonly number[];
}

const LITERALS = new Map<string, 'bool' | 'none'>([['True', 'bool'], ['False', 'bool'], ['None', 'none'], ['true', 'bool'], ['false', 'bool'], ['null', 'none']]);
const CLOSER: Record<string, Punct> = { '(': ')', '[': ']', '{': '}' };
/** Nesting (brackets, calls, signs) allowed in a policy: far above real ones, far below the call stack's limit. */
export const MAX_NESTING = 100;
/** `math.inf`, `np.nan`, ...: constants that are numbers. */
const NUMBER_CONSTANTS = new Map<string, number>(
  ['math', 'np', 'numpy', 'torch'].flatMap((m) => [[`${m}.inf`, Infinity], [`${m}.nan`, NaN]] as [string, number][]),
);
const FLOAT_TEXT = new RegExp(`^${NUMBER.source}$`);

/**
 * Parses policy text into top-level expressions, separated by `;`, `,` or line breaks outside brackets.
 * Grammar (a Python expression subset that also covers JSON):
 *   program   := sep* [statement (sep+ statement)*] sep*
 *   statement := [dotted '='] expr            (an assignment target such as `train_tf =` is ignored)
 *   expr      := term (('+' | '-') term)*     (arithmetic on numbers is folded to a number)
 *   term      := unary (('*' | '/') unary)*
 *   unary     := ('+' | '-') unary | primary
 *   primary   := NUMBER | STRING | dotted ['(' args ')'] | '(' tuple ')' | '[' list ']' | '{' dict '}'
 * `float(x)` of a number or a numeric string, and constants such as `math.inf` or `np.nan`, are numbers.
 * Nesting is limited to MAX_NESTING levels.
 */
export function parseProgram(text: string, options: ParseOptions = {}): Node[] {
  return new Parser(tokenize(text, options.origin), options.onCallee).program();
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly onCallee: ((callee: NameNode) => void) | undefined,
  ) {}

  program(): Node[] {
    const statements: Node[] = [];
    this.skipSeparators();
    while (this.peek().type !== 'eof') {
      statements.push(this.statement());
      if (this.peek().type === 'eof') break;
      if (!this.isSeparator(this.peek())) {
        const t = this.peek();
        const closer = t.type === 'punct' && (t.text === ')' || t.text === ']' || t.text === '}');
        this.fail(closer ? `unmatched '${t.text}'` : `expected ';', ',' or a new line between transforms, found ${describe(t)}`, t.span);
      }
      this.skipSeparators();
    }
    return statements;
  }

  private statement(): Node {
    let j = this.index;
    if (this.tokens[j].type === 'name') {
      j++;
      while (this.isPunct(this.tokens[j], '.') && this.tokens[j + 1]?.type === 'name') j += 2;
      if (this.isPunct(this.tokens[j], '=')) this.index = j + 1;
    }
    return this.expr();
  }

  private expr(): Node {
    return this.nested(() => this.sum());
  }

  /** Runs one level of the recursive descent, failing past MAX_NESTING levels. */
  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_NESTING) {
      this.fail(`the policy is nested more than ${MAX_NESTING} levels deep (brackets, calls or signs)`, this.peek().span);
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private sum(): Node {
    let left = this.term();
    for (let op = this.peek(); this.isPunct(op, '+') || this.isPunct(op, '-'); op = this.peek()) {
      this.index++;
      left = this.fold(op, left, this.term());
    }
    return left;
  }

  private term(): Node {
    let left = this.unary();
    for (let op = this.peek(); this.isPunct(op, '*') || this.isPunct(op, '/'); op = this.peek()) {
      this.index++;
      left = this.fold(op, left, this.unary());
    }
    return left;
  }

  private unary(): Node {
    const op = this.peek();
    if (!this.isPunct(op, '+') && !this.isPunct(op, '-')) return this.primary();
    this.index++;
    const operand = this.numeric(this.nested(() => this.unary()));
    return { type: 'number', value: op.text === '-' ? 0 - operand.value : operand.value, span: spanOf(op, operand) };
  }

  private fold(op: Token & { type: 'punct' }, leftNode: Node, rightNode: Node): NumberNode {
    const left = this.numeric(leftNode).value;
    const right = this.numeric(rightNode).value;
    if (op.text === '/' && right === 0) this.fail('division by zero', rightNode.span);
    const value = op.text === '+' ? left + right : op.text === '-' ? left - right : op.text === '*' ? left * right : left / right;
    return { type: 'number', value, span: spanOf(leftNode, rightNode) };
  }

  private numeric(node: Node): NumberNode {
    if (node.type !== 'number') this.fail('arithmetic works on numbers only', node.span);
    return node as NumberNode;
  }

  private primary(): Node {
    const t = this.peek();
    switch (t.type) {
      case 'number':
        this.index++;
        return { type: 'number', value: t.value, span: t.span };
      case 'string':
        this.index++;
        return { type: 'string', value: t.value, offsets: t.offsets, span: t.span };
      case 'name':
        return this.nameOrCall();
      case 'punct':
        if (t.text === '(') return this.tuple();
        if (t.text === '[') return this.list();
        if (t.text === '{') return this.dict();
    }
    return this.fail(`expected a value, found ${describe(t)}`, t.span);
  }

  private nameOrCall(): Node {
    const first = this.next() as Token & { type: 'name' };
    const path = [first.text];
    let last: Token = first;
    while (this.isPunct(this.peek(), '.')) {
      this.index++;
      last = this.next();
      if (last.type !== 'name') this.fail(`expected a name after '.', found ${describe(last)}`, last.span);
      path.push((last as Token & { type: 'name' }).text);
    }
    const callee: NameNode = { type: 'name', path, span: spanOf(first, last) };
    if (path.length === 1 && first.text === 'float' && this.isPunct(this.peek(), '(')) return this.floatCall(callee);
    if (this.isPunct(this.peek(), '(')) return this.call(callee);
    const constant = NUMBER_CONSTANTS.get(path.join('.'));
    if (constant !== undefined) return { type: 'number', value: constant, span: callee.span };
    const literal = path.length === 1 ? LITERALS.get(first.text) : undefined;
    if (literal === 'bool') return { type: 'bool', value: first.text === 'True' || first.text === 'true', span: callee.span };
    if (literal === 'none') return { type: 'none', span: callee.span };
    return callee;
  }

  private call(callee: NameNode): CallNode {
    this.onCallee?.(callee);
    const open = this.next();
    const args: Node[] = [];
    const keywords: Keyword[] = [];
    while (!this.isPunct(this.peek(), ')')) {
      const t = this.peek();
      if (t.type === 'name' && this.isPunct(this.tokens[this.index + 1], '=')) {
        if (keywords.some((k) => k.name === t.text)) this.fail(`keyword argument repeated: '${printable(t.text)}'`, t.span);
        this.index += 2;
        keywords.push({ name: t.text, nameSpan: t.span, value: this.expr() });
      } else {
        const value = this.expr();
        if (keywords.length > 0) this.fail('positional argument follows keyword argument', value.span);
        args.push(value);
      }
      if (!this.isPunct(this.peek(), ',')) break;
      this.index++;
    }
    const close = this.close(open);
    return { type: 'call', callee, args, keywords, span: spanOf(callee, close) };
  }

  /** Python's `float(x)` of a number or a numeric string such as 'nan' or '-inf': a number. */
  private floatCall(callee: NameNode): NumberNode {
    const open = this.next();
    const arg = this.expr();
    const close = this.close(open);
    const span = spanOf(callee, close);
    if (arg.type === 'number') return { type: 'number', value: arg.value, span };
    const value = arg.type === 'string' ? pythonFloat(arg.value) : undefined;
    if (value === undefined) this.fail(`float() takes a number or a numeric string such as 'nan' or '1e-3'`, arg.span);
    return { type: 'number', value, span };
  }

  private tuple(): Node {
    const open = this.next();
    if (this.isPunct(this.peek(), ')')) return { type: 'tuple', items: [], span: spanOf(open, this.next()) };
    const first = this.expr();
    if (this.isPunct(this.peek(), ')')) {
      this.index++;
      return first; // a parenthesised expression, not a tuple
    }
    const items = [first];
    if (this.isPunct(this.peek(), ',')) {
      this.index++;
      while (!this.isPunct(this.peek(), ')')) {
        items.push(this.expr());
        if (!this.isPunct(this.peek(), ',')) break;
        this.index++;
      }
    }
    return { type: 'tuple', items, span: spanOf(open, this.close(open)) };
  }

  private list(): Node {
    const open = this.next();
    const items: Node[] = [];
    while (!this.isPunct(this.peek(), ']')) {
      items.push(this.expr());
      if (!this.isPunct(this.peek(), ',')) break;
      this.index++;
    }
    return { type: 'list', items, span: spanOf(open, this.close(open)) };
  }

  private dict(): Node {
    const open = this.next();
    const entries: DictEntry[] = [];
    while (!this.isPunct(this.peek(), '}')) {
      const key = this.expr();
      const colon = this.next();
      if (!this.isPunct(colon, ':')) this.fail(`expected ':' after a key, found ${describe(colon)}`, colon.span);
      entries.push({ key, value: this.expr() });
      if (!this.isPunct(this.peek(), ',')) break;
      this.index++;
    }
    return { type: 'dict', entries, span: spanOf(open, this.close(open)) };
  }

  /** Consumes the bracket closing `open`, or reports what stands in its way. */
  private close(open: Token): Token {
    const want = CLOSER[(open as Token & { type: 'punct' }).text];
    const t = this.next();
    if (this.isPunct(t, want)) return t;
    if (t.type === 'eof') this.fail(`'${(open as Token & { type: 'punct' }).text}' is never closed`, open.span);
    return this.fail(`expected ',' or '${want}', found ${describe(t)}`, t.span);
  }

  private skipSeparators(): void {
    while (this.isSeparator(this.peek())) this.index++;
  }

  private isSeparator(t: Token): boolean {
    return t.type === 'newline' || this.isPunct(t, ';') || this.isPunct(t, ',');
  }

  private isPunct(t: Token | undefined, text: Punct): t is Token & { type: 'punct' } {
    return t !== undefined && t.type === 'punct' && t.text === text;
  }

  private peek(): Token {
    const t = this.tokens[this.index];
    if (t.type === 'error') throw t.error;
    return t;
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.index++;
    return t;
  }

  private fail(message: string, span: SourceSpan): never {
    throw new PolicyError('syntax', `syntax error: ${message}`, span);
  }
}

function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'the end of the policy';
    case 'newline':
      return 'a line break';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'name':
      return `'${printable(t.text)}'`;
    case 'punct':
      return `'${t.text}'`;
    case 'error':
      return 'an invalid token';
  }
}

/** The value of Python's float() of a string, or undefined where Python raises ValueError. */
function pythonFloat(text: string): number | undefined {
  const signed = text.trim();
  const sign = signed.startsWith('-') ? -1 : 1;
  const t = signed.replace(/^[+-]/, '').toLowerCase();
  if (t === 'nan') return NaN;
  if (t === 'inf' || t === 'infinity') return sign * Infinity;
  return FLOAT_TEXT.test(t) ? sign * Number(t.replace(/_/g, '')) : undefined;
}
