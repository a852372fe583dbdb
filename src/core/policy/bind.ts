import type { DictNode, Keyword, Node, StringNode } from './ast';
import { isTransformName, resolveTransform } from './catalog';
import { PolicyError, printable, snippet } from './errors';
import { variableHint, type ReadContext } from './kinds';
import type { Signature } from './signature';
import { didYouMean } from './suggest';
import type { SourceSpan, TransformSpec } from './types';

/**
 * Binds one transform node to its typed spec: a Python call `RandomCrop(32, padding=4)` or a JSON object
 * `{"type": "RandomCrop", "size": 32, "padding": 4}`. Returns null for a transform that is a no-op here (ToTensor).
 */
export function bindTransform(node: Node, source: string): TransformSpec | null {
  switch (node.type) {
    case 'call':
      return bindArguments(resolveTransform(node.callee), node.args, node.keywords, node.span, 'python', source);
    case 'dict':
      return bindObject(node, source);
    case 'name':
      if (isTransformName(node.path)) {
        throw new PolicyError('structure', `${node.path.join('.')} is a transform class: call it, e.g. ${node.path.join('.')}()`, node.span);
      }
  }
  throw new PolicyError('structure', `expected a transform such as RandomCrop(32), got ${snippet(source, node.span)}${variableHint(node)}`, node.span);
}

function bindObject(node: DictNode, source: string): TransformSpec | null {
  let type: StringNode | undefined;
  const keywords: Keyword[] = [];
  for (const { key, value } of node.entries) {
    if (key.type !== 'string') throw new PolicyError('structure', `keys of a JSON transform must be strings, got ${snippet(source, key.span)}`, key.span);
    if (key.value === 'type' ? type !== undefined : keywords.some((k) => k.name === key.value)) {
      throw new PolicyError('structure', `duplicate key "${key.value}"`, key.span);
    }
    if (key.value !== 'type') keywords.push({ name: key.value, nameSpan: key.span, value });
    else if (value.type === 'string') type = value;
    else throw new PolicyError('structure', `"type" must be a transform name such as "RandomCrop", got ${snippet(source, value.span)}`, value.span);
  }
  if (type === undefined) {
    throw new PolicyError('structure', 'a JSON transform needs a "type" key, e.g. {"type": "RandomCrop", "size": 32}', node.span);
  }
  const signature = resolveTransform({ type: 'name', path: type.value.split('.'), span: type.span });
  return bindArguments(signature, [], keywords, node.span, 'json', source);
}

/** Matches arguments to parameters as Python does, then lets the signature read and check them. */
function bindArguments(
  signature: Signature,
  args: readonly Node[],
  keywords: readonly Keyword[],
  span: SourceSpan,
  dialect: ReadContext['dialect'],
  source: string,
): TransformSpec | null {
  const { name } = signature;
  const names = signature.params.map((p) => p.name);
  const fail = (message: string, at: SourceSpan): never => {
    throw new PolicyError('argument', message, at);
  };
  if (args.length > names.length) {
    const count = `${names.length} positional argument${names.length === 1 ? '' : 's'}`;
    fail(names.length === 0 ? `${name} takes no arguments` : `${name} takes at most ${count} (${names.join(', ')}), got ${args.length}`, args[names.length].span);
  }
  const given = new Map<string, Node>(args.map((node, i) => [names[i], node]));
  for (const keyword of keywords) {
    if (!names.includes(keyword.name)) {
      fail(names.length === 0
        ? `${name} takes no arguments, got '${keyword.name}'`
        : `${name} has no argument '${printable(keyword.name)}'${didYouMean(keyword.name, names)}; its arguments are ${names.join(', ')}`, keyword.nameSpan);
    }
    if (given.has(keyword.name)) fail(`${name} got multiple values for argument '${keyword.name}'`, keyword.nameSpan);
    given.set(keyword.name, keyword.value);
  }
  for (const param of signature.params) {
    if (param.required && !given.has(param.name)) fail(`${name} is missing required argument '${param.name}'`, span);
  }
  for (const [arg, node] of given) {
    const bad = nonFinite(node);
    if (bad) fail(`${name}: argument '${arg}' takes finite numbers: NaN and infinity are not valid values for it, got ${snippet(source, bad.span)}`, bad.span);
  }
  const context = (arg: string): ReadContext => ({ source, transform: name, arg, dialect, bindTransform: (n) => bindTransform(n, source) });
  const reject = (arg: string, detail: string): never => {
    const node = given.get(arg);
    return fail(`${name}: argument '${arg}' ${detail}${node ? `, got ${snippet(source, node.span)}` : ''}`, node?.span ?? span);
  };
  return signature.bind(given, span, context, reject);
}

/** The first NaN or infinite number in an argument's value (nested transforms excepted: they are bound on their own). */
function nonFinite(node: Node): Node | undefined {
  if (node.type === 'number') return Number.isFinite(node.value) ? undefined : node;
  if (node.type === 'list' || node.type === 'tuple') return node.items.map(nonFinite).find((n) => n !== undefined);
  if (node.type === 'dict') return node.entries.map((e) => nonFinite(e.value)).find((n) => n !== undefined);
  return undefined;
}
