import type { PyToken } from './tokenizer';

/**
 * What the import statements of a file bind: each local name to the dotted path it stands for, e.g.
 * `import torchvision.transforms.v2 as v2` binds v2 -> torchvision.transforms.v2,
 * `from torchvision.transforms import RandomCrop as RC` binds RC -> torchvision.transforms.RandomCrop and
 * `import torchvision.transforms` binds torchvision -> torchvision. Imports are collected from the whole file
 * (function bodies and try blocks included); relative imports are ignored.
 */
export interface ImportBindings {
  readonly names: ReadonlyMap<string, readonly string[]>;
  /** Modules imported with `from M import *`. */
  readonly starModules: readonly (readonly string[])[];
}

export function readImports(tokens: readonly PyToken[]): ImportBindings {
  const names = new Map<string, readonly string[]>();
  const starModules: string[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind !== 'name' || !startsStatement(tokens, i)) continue;
    if (tokens[i].text === 'import') i = readImport(tokens, i + 1, names);
    else if (tokens[i].text === 'from') i = readFromImport(tokens, i + 1, names, starModules);
  }
  return { names, starModules };
}

/**
 * The dotted paths `path` may stand for through the imports, e.g. ['T', 'RandomCrop'] ->
 * [['torchvision', 'transforms', 'RandomCrop']]: one when its first name is imported, one per star import for a
 * bare name that is not, none otherwise.
 */
export function resolvePath(path: readonly string[], bindings: ImportBindings): (readonly string[])[] {
  const bound = bindings.names.get(path[0]);
  if (bound !== undefined) return [[...bound, ...path.slice(1)]];
  return path.length === 1 ? bindings.starModules.map((module) => [...module, path[0]]) : [];
}

function startsStatement(tokens: readonly PyToken[], i: number): boolean {
  if (i === 0) return true;
  const before = tokens[i - 1];
  return before.kind === 'newline' || (before.kind === 'op' && (before.text === ';' || before.text === ':'));
}

/** Reads a dotted name from tokens[i]; returns it and the index after it. */
function dotted(tokens: readonly PyToken[], i: number): { path: string[]; next: number } {
  const path: string[] = [];
  while (tokens[i]?.kind === 'name') {
    path.push(tokens[i].text);
    i++;
    if (tokens[i]?.text !== '.' || tokens[i + 1]?.kind !== 'name') break;
    i++;
  }
  return { path, next: i };
}

/** `as NAME` at tokens[i], if there. */
function alias(tokens: readonly PyToken[], i: number): { name: string | undefined; next: number } {
  if (tokens[i]?.kind === 'name' && tokens[i].text === 'as' && tokens[i + 1]?.kind === 'name') return { name: tokens[i + 1].text, next: i + 2 };
  return { name: undefined, next: i };
}

/** `import a.b.c [as x], d [as y]`: without an alias, the first name is bound to its own module. */
function readImport(tokens: readonly PyToken[], i: number, names: Map<string, readonly string[]>): number {
  for (;;) {
    const { path, next } = dotted(tokens, i);
    if (path.length === 0) return next;
    const as = alias(tokens, next);
    if (as.name !== undefined) names.set(as.name, path);
    else names.set(path[0], [path[0]]);
    i = as.next;
    if (tokens[i]?.text !== ',') return i;
    i++;
  }
}

/** `from a.b import c [as d], e`, possibly in parentheses, or `from a.b import *`. */
function readFromImport(tokens: readonly PyToken[], i: number, names: Map<string, readonly string[]>, starModules: string[][]): number {
  if (tokens[i]?.text === '.' || tokens[i]?.text === '...') return i; // relative import
  const { path: module, next } = dotted(tokens, i);
  i = next;
  if (module.length === 0 || tokens[i]?.text !== 'import') return i;
  i++;
  if (tokens[i]?.text === '*') {
    starModules.push(module);
    return i + 1;
  }
  const parenthesised = tokens[i]?.text === '(';
  if (parenthesised) i++;
  while (tokens[i]?.kind === 'name') {
    const name = tokens[i].text;
    const as = alias(tokens, i + 1);
    names.set(as.name ?? name, [...module, name]);
    i = as.next;
    if (tokens[i]?.text !== ',') break;
    i++;
  }
  if (parenthesised && tokens[i]?.text === ')') i++;
  return i;
}
