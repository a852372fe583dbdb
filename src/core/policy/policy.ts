import { spanOf, type DictNode, type Node } from './ast';
import { bindTransform } from './bind';
import { resolveTransform } from './catalog';
import { PolicyError, snippet } from './errors';
import { parseProgram } from './parser';
import type { ComposeSpec, SourceSpan, TransformSpec } from './types';

/**
 * Parses a torchvision-style augmentation policy into a Compose spec. Accepted forms:
 * - Python: `transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip()])`;
 * - a list of transforms separated by `;`, `,` or line breaks, or a bare list `[A(), B()]`: a Compose;
 * - JSON: `[{"type": "RandomCrop", "size": 32, "padding": 4}, ...]` or `{"policy": <that list or a policy string>}`.
 * A single top-level Compose is returned as the root. Throws PolicyError.
 */
export function parsePolicy(text: string): ComposeSpec {
  return parseRoot(text, text, undefined, { start: 0, end: text.length });
}

function parseRoot(source: string, text: string, origin: readonly number[] | undefined, whole: SourceSpan): ComposeSpec {
  const statements = parseProgram(text, { origin, onCallee: resolveTransform });
  if (statements.length === 0) {
    throw new PolicyError('structure', 'the policy is empty: write transforms such as RandomCrop(32, padding=4); RandomHorizontalFlip()', whole);
  }
  let items: readonly Node[] = statements;
  if (statements.length === 1) {
    const only = statements[0];
    if (only.type === 'string') return parseRoot(source, only.value, only.offsets, only.span);
    if (only.type === 'dict' && isPolicyObject(only)) {
      const inner = policyOf(only, source);
      if (inner.type === 'string') return parseRoot(source, inner.value, inner.offsets, inner.span);
      items = inner.items;
    }
    if (only.type === 'list' || only.type === 'tuple') items = only.items;
  }
  const transforms = items.map((node) => bindTransform(node, source)).filter((t): t is TransformSpec => t !== null);
  if (transforms.length === 1 && transforms[0].kind === 'Compose') return transforms[0];
  return { kind: 'Compose', transforms, span: spanOf(statements[0], statements[statements.length - 1]) };
}

/** `{"policy": ...}` rather than a single JSON transform `{"type": ...}`. */
function isPolicyObject(node: DictNode): boolean {
  return !node.entries.some((e) => e.key.type === 'string' && e.key.value === 'type');
}

function policyOf(node: DictNode, source: string): Node & { type: 'string' | 'list' | 'tuple' } {
  const extra = node.entries.find((e) => e.key.type !== 'string' || e.key.value !== 'policy');
  if (extra !== undefined) {
    throw new PolicyError('structure', `a JSON policy object takes a "policy" key (or "type" for a single transform), got ${snippet(source, extra.key.span)}`, extra.key.span);
  }
  if (node.entries.length === 0) throw new PolicyError('structure', 'a JSON policy object needs a "policy" key (or "type" for a single transform)', node.span);
  if (node.entries.length > 1) throw new PolicyError('structure', 'duplicate key "policy"', node.entries[1].key.span);
  const value = node.entries[0].value;
  if (value.type !== 'string' && value.type !== 'list' && value.type !== 'tuple') {
    throw new PolicyError('structure', `"policy" must be a list of transforms or a policy string, got ${snippet(source, value.span)}`, value.span);
  }
  return value;
}
