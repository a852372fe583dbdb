import type { SourceSpan } from '../policy/types';
import { readImports, type ImportBindings } from './imports';
import { isStringToken, tokenizePython, type PyToken } from './tokenizer';
import { classifyName } from './torchvisionNames';

/**
 * Finds the torchvision transform calls of a Python file (`T.RandomCrop(32, padding=4)`, `transforms.Compose([...])`,
 * `v2.RandomHorizontalFlip()`, names imported from torchvision.transforms[.v2]) and reads their arguments as
 * literal values where they are literal: numbers (and arithmetic on them), strings, True/False/None, tuples and
 * lists, InterpolationMode members, torch dtypes and nested transform calls. Anything else is kept as 'opaque' with
 * the reason, so that no value is ever guessed.
 */
export interface TransformCall {
  /** The transform's class name, e.g. 'RandomCrop'. */
  readonly name: string;
  readonly callee: SourceSpan;
  /** From the callee to the closing parenthesis. */
  readonly span: SourceSpan;
  readonly args: readonly CallArg[];
}

export interface CallArg {
  readonly keyword?: { readonly name: string; readonly span: SourceSpan };
  readonly value: ArgValue;
  readonly span: SourceSpan;
}

export type ArgValue =
  /** Literal tokens the policy language reads as they are: numbers, arithmetic on them, True/False/None. */
  | { readonly kind: 'tokens'; readonly tokens: readonly PyToken[]; readonly span: SourceSpan }
  /** A literal whose policy spelling differs from its source, e.g. `u'reflect'` -> 'reflect', `0x10` -> 16. */
  | { readonly kind: 'spelled'; readonly text: string; readonly span: SourceSpan }
  | { readonly kind: 'sequence'; readonly open: '(' | '['; readonly items: readonly ArgValue[]; readonly span: SourceSpan }
  | { readonly kind: 'call'; readonly call: TransformCall; readonly span: SourceSpan }
  | { readonly kind: 'opaque'; readonly reason: string; readonly span: SourceSpan };


const KEYWORDS = new Set(['def', 'class', 'lambda', 'if', 'else', 'for', 'in', 'not', 'and', 'or', 'is', 'await', 'yield', 'return']);
const ARITHMETIC_OPS = new Set(['+', '-', '*', '/']);
const MATCHING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Every transform call whose parentheses are closed, in source order. */
export function scanTransformCalls(source: string): TransformCall[] {
  if (!source.includes('torchvision')) return []; // every form needs a torchvision import
  const tokens = tokenizePython(source);
  return new CallReader(tokens, readImports(tokens)).readAll();
}

class CallReader {
  private readonly memo = new Map<number, TransformCall | null>();
  /** Names assigned exactly once in the file, and only to a transform call: `normalize = T.Normalize(...)`. */
  private readonly assigned = new Map<string, number>();

  constructor(
    private readonly tokens: readonly PyToken[],
    private readonly bindings: ImportBindings,
  ) {}

  readAll(): TransformCall[] {
    this.findAssignments();
    const calls: TransformCall[] = [];
    for (let i = 0; i < this.tokens.length; i++) {
      const call = this.callAt(i);
      if (call) calls.push(call);
    }
    return calls;
  }

  /** The closed transform call whose dotted callee starts at token i, or null. */
  private callAt(i: number): TransformCall | null {
    const t = this.tokens[i];
    if (t.kind !== 'name' || KEYWORDS.has(t.text)) return null;
    const before = this.tokens[i - 1];
    if (before?.text === '.' || (before?.kind === 'name' && (before.text === 'def' || before.text === 'class'))) return null;
    const { path, next } = this.dotted(i);
    if (this.tokens[next]?.text !== '(') return null;
    const meaning = classifyName(path, this.bindings);
    if (meaning?.kind !== 'transform') return null;
    const cached = this.memo.get(i);
    if (cached !== undefined) return cached;
    this.memo.set(i, null); // guards against cycles through assignments
    const call = this.readCall(i, next, meaning.name);
    this.memo.set(i, call);
    return call;
  }

  /** The call of transform `name` whose callee spans tokens [i, open) and whose arguments open at `open`. */
  private readCall(i: number, open: number, name: string): TransformCall | null {
    const close = this.matching(open);
    if (close === undefined) return null;
    const callee = { start: this.tokens[i].span.start, end: this.tokens[open - 1].span.end };
    const args = this.split(open + 1, close).map((range) => this.readArg(range[0], range[1]));
    return { name, callee, span: { start: callee.start, end: this.tokens[close].span.end }, args };
  }

  private findAssignments(): void {
    const counts = new Map<string, number>();
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      const before = this.tokens[i - 1];
      const startsStatement = i === 0 || before.kind === 'newline' || before.text === ';';
      if (t.kind !== 'name' || !startsStatement || this.tokens[i + 1]?.text !== '=') continue;
      counts.set(t.text, (counts.get(t.text) ?? 0) + 1);
      const { next } = this.dotted(i + 2);
      const close = this.tokens[next]?.text === '(' ? this.matching(next) : undefined;
      const endsStatement = close !== undefined && (close + 1 >= this.tokens.length || this.tokens[close + 1].kind === 'newline' || this.tokens[close + 1].text === ';');
      if (endsStatement) this.assigned.set(t.text, i + 2);
      else this.assigned.delete(t.text);
    }
    for (const [name, count] of counts) if (count > 1) this.assigned.delete(name);
  }

  /** A dotted name starting at token i (possibly just one name). */
  private dotted(i: number): { path: string[]; next: number } {
    const path = [this.tokens[i]?.text];
    let j = i + 1;
    while (this.tokens[j]?.text === '.' && this.tokens[j + 1]?.kind === 'name') {
      path.push(this.tokens[j + 1].text);
      j += 2;
    }
    return { path, next: j };
  }

  /** Index of the bracket closing the one at `open`, or undefined when the text ends first. */
  private matching(open: number): number | undefined {
    let depth = 0;
    for (let j = open; j < this.tokens.length; j++) {
      const text = this.tokens[j].text;
      if (this.tokens[j].kind !== 'op') continue;
      if (text in MATCHING) depth++;
      else if (text === ')' || text === ']' || text === '}') {
        depth--;
        if (depth === 0) return j;
      }
    }
    return undefined;
  }

  /** Splits tokens [from, to) at commas outside brackets; empty pieces (a trailing comma) are dropped. */
  private split(from: number, to: number): [number, number][] {
    const pieces: [number, number][] = [];
    let start = from;
    for (let j = from; j < to; j++) {
      const text = this.tokens[j].text;
      if (this.tokens[j].kind === 'op' && text in MATCHING) {
        j = Math.min(this.matching(j) ?? to, to);
      } else if (this.tokens[j].kind === 'op' && text === ',') {
        if (j > start) pieces.push([start, j]);
        start = j + 1;
      }
    }
    if (to > start) pieces.push([start, to]);
    return pieces;
  }

  private readArg(from: number, to: number): CallArg {
    const span = this.spanOf(from, to);
    const first = this.tokens[from];
    if (first.kind === 'name' && this.tokens[from + 1]?.text === '=' && from + 2 <= to) {
      const keyword = { name: first.text, span: first.span };
      const value = from + 2 < to ? this.readValue(from + 2, to) : { kind: 'opaque' as const, reason: 'a missing value', span };
      return { keyword, value, span };
    }
    if (first.text === '*' || first.text === '**') return { value: { kind: 'opaque', reason: 'unpacked arguments', span }, span };
    return { value: this.readValue(from, to), span };
  }

  private readValue(from: number, to: number): ArgValue {
    const span = this.spanOf(from, to);
    const opaque = (reason: string): ArgValue => ({ kind: 'opaque', reason, span });
    const first = this.tokens[from];
    if (to - from === 1 && first.kind === 'string') return this.readString(first);
    if (this.isArithmetic(from, to)) return this.readNumbers(from, to);
    if (first.kind === 'op' && (first.text === '(' || first.text === '[') && this.matching(from) === to - 1) {
      return this.readSequence(from, to, first.text);
    }
    if (first.kind === 'op' && first.text === '{') return opaque('a dict');
    if (first.kind === 'name' && first.text === 'lambda') return opaque('a lambda');
    if (first.kind === 'name' && !KEYWORDS.has(first.text)) {
      const { path, next } = this.dotted(from);
      if (next === to) return this.readName(path, span);
      if (this.tokens[next]?.text === '(' && this.matching(next) === to - 1) {
        const call = this.callAt(from);
        return call ? { kind: 'call', call, span } : opaque('a function call');
      }
    }
    return opaque('an expression');
  }

  private readString(token: PyToken): ArgValue {
    const span = token.span;
    if (!isStringToken(token) || !token.terminated) return { kind: 'opaque', reason: 'an unterminated string', span };
    if (token.prefix.includes('f')) return { kind: 'opaque', reason: 'an f-string', span };
    if (token.prefix.includes('b')) return { kind: 'opaque', reason: 'a bytes literal', span };
    const body = token.text.slice(token.prefix.length + (token.triple ? 3 : 1), token.text.length - (token.triple ? 3 : 1));
    if (token.triple || (token.prefix.includes('r') && body.includes('\\'))) {
      return { kind: 'spelled', text: JSON.stringify(token.prefix.includes('r') ? body : unescapePython(body)), span };
    }
    if (token.prefix === '') return { kind: 'tokens', tokens: [token], span };
    return { kind: 'spelled', text: token.text.slice(token.prefix.length), span };
  }

  /** Numbers combined with + - * / and parentheses: the policy parser folds them. */
  private isArithmetic(from: number, to: number): boolean {
    let sawNumber = false;
    for (let j = from; j < to; j++) {
      const t = this.tokens[j];
      if (t.kind === 'number') sawNumber = true;
      else if (t.kind !== 'op' || !(ARITHMETIC_OPS.has(t.text) || t.text === '(' || t.text === ')')) return false;
    }
    return sawNumber;
  }

  private readNumbers(from: number, to: number): ArgValue {
    const span = this.spanOf(from, to);
    const tokens = this.tokens.slice(from, to);
    for (const t of tokens) {
      if (t.kind !== 'number') continue;
      if (/[jJ]$/.test(t.text)) return { kind: 'opaque', reason: 'a complex number', span };
      if (/^0[xXoObB]/.test(t.text) && to - from > 1) return { kind: 'opaque', reason: 'an expression', span };
    }
    if (to - from === 1 && /^0[xXoObB]/.test(tokens[0].text)) return { kind: 'spelled', text: String(Number(tokens[0].text.replace(/_/g, ''))), span };
    return { kind: 'tokens', tokens, span };
  }

  private readSequence(from: number, to: number, open: '(' | '['): ArgValue {
    const span = this.spanOf(from, to);
    const inner = this.split(from + 1, to - 1);
    for (let j = from + 1; j < to - 1; j++) {
      const t = this.tokens[j];
      if (t.kind === 'op' && t.text in MATCHING) j = this.matching(j) ?? j;
      else if (t.kind === 'name' && t.text === 'for') return { kind: 'opaque', reason: 'a comprehension', span };
      else if (t.kind === 'op' && (t.text === '*' || t.text === '**') && (j === from + 1 || this.tokens[j - 1].text === ',')) {
        return { kind: 'opaque', reason: 'unpacked items', span };
      }
    }
    const trailingComma = this.tokens[to - 2]?.text === ',';
    if (open === '(' && inner.length === 1 && !trailingComma) return this.readValue(inner[0][0], inner[0][1]);
    return { kind: 'sequence', open, items: inner.map(([a, b]) => this.readValue(a, b)), span };
  }

  private readName(path: readonly string[], span: SourceSpan): ArgValue {
    const dotted = path.join('.');
    if (path.length === 1 && ['True', 'False', 'None'].includes(dotted)) {
      return { kind: 'tokens', tokens: [{ kind: 'name', text: dotted, span }], span };
    }
    const meaning = classifyName(path, this.bindings);
    if (meaning?.kind === 'constant') return { kind: 'spelled', text: meaning.spelling, span };
    if (path.length === 1) {
      const at = this.assigned.get(dotted);
      const call = at === undefined ? null : this.callAt(at);
      return call ? { kind: 'call', call, span } : { kind: 'opaque', reason: `the variable '${dotted}'`, span };
    }
    // Spellings the policy parser reads or explains itself: enum members, torch dtypes, PIL constants.
    if (path.some((p) => p === 'InterpolationMode' || p === 'Image' || p === 'Resampling') || path[0] === 'torch') {
      return { kind: 'spelled', text: dotted, span };
    }
    return { kind: 'opaque', reason: `the attribute '${dotted}'`, span };
  }

  private spanOf(from: number, to: number): SourceSpan {
    return { start: this.tokens[from].span.start, end: this.tokens[Math.max(from, to - 1)].span.end };
  }
}

const PYTHON_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '' };

/** The value of a non-raw string body (common escapes only; others keep their backslash, as Python does). */
function unescapePython(body: string): string {
  return body.replace(/\\(.)/gs, (all, c: string) => PYTHON_ESCAPES[c] ?? all);
}
