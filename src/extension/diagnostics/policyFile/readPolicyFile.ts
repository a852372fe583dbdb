// Reads a policy file (`*.auglens.json`: model, images, preprocessing, policy, ...) into its fields with their
// offsets, for diagnostics that point into the file. Tolerant: a field with the wrong type is left out here (the
// JSON schema reports it). No vscode, no file system.
// jsonc-parser's UMD entry (package.json "main") defeats esbuild's bundling; its ES module build bundles cleanly.
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser/lib/esm/main.js';
import type { PreprocessParams } from '../../../engine/contract/requests';
import type { SourceSpan } from '../../../core/policy/types';

export const POLICY_FILE_SUFFIX = '.auglens.json';

export interface StringField {
  readonly value: string;
  /** The JSON string literal, quotes included. */
  readonly span: SourceSpan;
}

export interface PolicyFile {
  readonly model?: StringField;
  readonly images: readonly StringField[];
  /** The "policy" value's source text (a JSON string literal or array) and where it starts. */
  readonly policy?: { readonly text: string; readonly offset: number };
  readonly preprocess?: PreprocessParams;
  /** "size": N or [H, W]: images are resized and centre-cropped to it before the policy. */
  readonly size?: readonly [number, number];
  readonly label?: number;
}

export function readPolicyFile(text: string): PolicyFile {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (root?.type !== 'object') return { images: [] };
  const at = (key: string): Node | undefined => findNodeAtLocation(root, [key]);
  const policy = at('policy');
  return {
    model: stringField(at('model')),
    images: imageFields(at('images')),
    policy: policy && (policy.type === 'string' || policy.type === 'array') ? { text: text.slice(policy.offset, policy.offset + policy.length), offset: policy.offset } : undefined,
    preprocess: preprocessOf(at('preprocessing')),
    size: sizeOf(at('size')),
    label: typeof at('label')?.value === 'number' && Number.isInteger(at('label')!.value) ? at('label')!.value : undefined,
  };
}

function stringField(node: Node | undefined): StringField | undefined {
  if (node?.type !== 'string') return undefined;
  return { value: node.value as string, span: { start: node.offset, end: node.offset + node.length } };
}

function imageFields(node: Node | undefined): StringField[] {
  if (node?.type === 'string') return [stringField(node)!];
  if (node?.type !== 'array') return [];
  return (node.children ?? []).map(stringField).filter((f): f is StringField => f !== undefined);
}

function numbers(node: Node | undefined): number[] | undefined {
  if (node?.type !== 'array') return undefined;
  const values = (node.children ?? []).map((c) => c.value);
  return values.length > 0 && values.every((v) => typeof v === 'number') ? (values as number[]) : undefined;
}

function preprocessOf(node: Node | undefined): PreprocessParams | undefined {
  if (node?.type === 'string') return { preset: node.value as string };
  if (node?.type !== 'object') return undefined;
  const field = (key: string) => findNodeAtLocation(node, [key]);
  const preset = field('preset')?.value;
  const scale = field('scale')?.value;
  const channels = field('channels')?.value;
  const params: PreprocessParams = {
    ...(typeof preset === 'string' && { preset }),
    ...(numbers(field('mean')) && { mean: numbers(field('mean')) }),
    ...(numbers(field('std')) && { std: numbers(field('std')) }),
    ...((scale === 1 || scale === 255) && { scale }),
    ...((channels === 'rgb' || channels === 'bgr' || channels === 'gray') && { channels }),
  };
  return Object.keys(params).length > 0 ? params : undefined;
}

function sizeOf(node: Node | undefined): [number, number] | undefined {
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (positive(node?.value)) return [node!.value, node!.value];
  const pair = numbers(node);
  return pair?.length === 2 && pair.every(positive) ? [pair[0], pair[1]] : undefined;
}
