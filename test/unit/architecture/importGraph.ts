import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One `import ... from` / `export ... from` / `import '...'` of a source file. */
export interface ImportEdge {
  /** Importing file, relative to the repository root with '/' separators. */
  readonly from: string;
  /** A repository file ('src/model/load.ts') for relative specifiers, else the package ('vscode', 'node:fs'). */
  readonly to: string;
  readonly internal: boolean;
  /** `import type`, `export type`, or every named binding marked `type`: erased by tsc and esbuild. */
  readonly typeOnly: boolean;
  readonly line: number;
}

export const ROOT = resolve(__dirname, '../../..');

const posix = (path: string): string => path.split(sep).join('/');

export function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(posix(relative(ROOT, path)));
    }
  };
  walk(join(ROOT, folder));
  return out;
}

function resolveRelative(fromFile: string, specifier: string): string {
  const base = join(dirname(join(ROOT, fromFile)), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return posix(relative(ROOT, candidate));
  }
  throw new Error(`${fromFile}: cannot resolve '${specifier}'`);
}

const BUILTINS = new Set(builtinModules);

/** A package specifier reduced to its package name; Node built-ins always as 'node:name'. */
function packageName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) ? `node:${name}` : name;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

export function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (specifierNode: ts.Expression, typeOnly: boolean): void => {
    if (!ts.isStringLiteral(specifierNode)) return;
    const specifier = specifierNode.text;
    const internal = specifier.startsWith('.');
    const line = source.getLineAndCharacterOfPosition(specifierNode.getStart(source)).line + 1;
    edges.push({ from: file, to: internal ? resolveRelative(file, specifier) : packageName(specifier), internal, typeOnly, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier) add(node.moduleSpecifier, isTypeOnlyExport(node));
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The layer a repository file belongs to: 'src/core', 'src/model', ..., 'src' (files directly in src/), 'webview'. */
export function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'src') return parts.length > 2 ? `src/${parts[1]}` : 'src';
  return parts[0];
}

/**
 * Elementary cycles of the graph, one per strongly connected component with more than one file (or a file
 * importing itself), each as a closed path 'a -> b -> ... -> a' starting at the component's smallest file.
 */
export function cycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!e.internal) continue;
    const list = next.get(e.from) ?? [];
    if (!list.includes(e.to)) list.push(e.to);
    next.set(e.from, list);
    if (!next.has(e.to)) next.set(e.to, []);
  }
  return stronglyConnected(next)
    .filter((c) => c.length > 1 || (next.get(c[0]) ?? []).includes(c[0]))
    .map((component) => cycleThrough(component, next))
    .sort((a, b) => a[0].localeCompare(b[0]));
}

function stronglyConnected(next: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v);
  return out;
}

/** The shortest cycle through the component's first file (breadth-first inside the component). */
function cycleThrough(component: readonly string[], next: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(component);
  const start = component[0];
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const w of next.get(queue[i]) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let v = queue[i]; v !== start; v = parent.get(v)!) path.splice(1, 0, v);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, queue[i]);
        queue.push(w);
      }
    }
  }
  throw new Error(`no cycle through ${start}`);
}
