import type { SourceSpan } from './types';

/**
 * The generic syntax tree of a policy: Python call expressions and literals, plus JSON objects.
 * It knows nothing about transforms; binding to typed specs happens in bind.ts.
 */
export type Node = NumberNode | StringNode | BoolNode | NoneNode | NameNode | SequenceNode | DictNode | CallNode;

export interface NumberNode { readonly type: 'number'; readonly value: number; readonly span: SourceSpan }
export interface StringNode {
  readonly type: 'string';
  readonly value: string;
  readonly span: SourceSpan;
  /** offsets[i] is where decoded character i starts in the policy text; offsets[value.length] is the closing quote. */
  readonly offsets: readonly number[];
}
export interface BoolNode { readonly type: 'bool'; readonly value: boolean; readonly span: SourceSpan }
export interface NoneNode { readonly type: 'none'; readonly span: SourceSpan }
/** A dotted name that is not called, e.g. `InterpolationMode.BILINEAR` or `torch.float32`. */
export interface NameNode { readonly type: 'name'; readonly path: readonly string[]; readonly span: SourceSpan }
export interface SequenceNode { readonly type: 'list' | 'tuple'; readonly items: readonly Node[]; readonly span: SourceSpan }
export interface DictNode { readonly type: 'dict'; readonly entries: readonly DictEntry[]; readonly span: SourceSpan }
export interface DictEntry { readonly key: Node; readonly value: Node }
export interface CallNode {
  readonly type: 'call';
  readonly callee: NameNode;
  readonly args: readonly Node[];
  readonly keywords: readonly Keyword[];
  readonly span: SourceSpan;
}
export interface Keyword { readonly name: string; readonly nameSpan: SourceSpan; readonly value: Node }

export function spanOf(first: { span: SourceSpan }, last: { span: SourceSpan }): SourceSpan {
  return { start: first.span.start, end: last.span.end };
}
