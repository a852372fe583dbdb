import type { Node } from './ast';
import type { ReadContext, ValueKind, WriteContext } from './kinds';
import type { SourceSpan, TransformSpec } from './types';

/** One parameter of a torchvision transform's `__init__`. */
export interface Param<T> {
  readonly kind: ValueKind<T>;
  /** Absent for a required parameter. */
  readonly default?: { readonly value: T };
  /** How formatPolicy prints it: without its name, always, or only when it differs from the default. */
  readonly shown: 'positional' | 'always' | 'changed';
}

export const required = <T>(kind: ValueKind<T>, shown: 'positional' | 'always' = 'always'): Param<T> => ({ kind, shown });
export const optional = <T>(kind: ValueKind<T>, value: T, shown: 'always' | 'changed' = 'changed'): Param<T> => ({ kind, default: { value }, shown });

type Params = Record<string, Param<unknown>>;
export type ArgsOf<P extends Params> = { readonly [K in keyof P]: P[K] extends Param<infer T> ? T : never };
/** Rejects a combination of arguments, pointing at `arg`. */
export type Reject<P extends Params> = (arg: keyof P & string, detail: string) => never;

/** A transform signature with its parameters in torchvision's positional order, erased for the registry. */
export interface Signature {
  readonly name: string;
  /** Parameter names in torchvision's positional order. */
  readonly params: readonly { readonly name: string; readonly required: boolean }[];
  /** Reads the given argument nodes (every required one is there) and builds the spec; null for a no-op. */
  bind(given: ReadonlyMap<string, Node>, span: SourceSpan, context: (arg: string) => ReadContext, reject: (arg: string, detail: string) => never): TransformSpec | null;
  /** The canonical arguments, for formatPolicy; only for transforms that produce a spec. */
  formatArgs?(spec: TransformSpec, ctx: WriteContext): string[];
}

function readArgs<P extends Params>(params: P, given: ReadonlyMap<string, Node>, context: (arg: string) => ReadContext): ArgsOf<P> {
  const args: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(params)) {
    const node = given.get(name);
    args[name] = node !== undefined ? param.kind.read(node, context(name)) : param.default!.value;
  }
  return args as ArgsOf<P>;
}

/** A supported transform: its spec kind is its torchvision name. */
export function transform<P extends Params, S extends TransformSpec>(def: {
  readonly name: S['kind'];
  readonly params: P;
  readonly build: (args: ArgsOf<P>, span: SourceSpan, reject: Reject<P>) => S;
  readonly args: (spec: S) => ArgsOf<P>;
}): Signature {
  return {
    name: def.name,
    params: paramList(def.params),
    bind: (given, span, context, reject) => def.build(readArgs(def.params, given, context), span, reject),
    formatArgs(spec, ctx) {
      const args = def.args(spec as S) as Record<string, unknown>;
      const parts: string[] = [];
      for (const [name, param] of Object.entries(def.params)) {
        const value = args[name];
        if (param.shown === 'changed' && param.default !== undefined && sameValue(value, param.default.value)) continue;
        const text = param.kind.write(value, ctx);
        parts.push(param.shown === 'positional' ? text : `${name}=${text}`);
      }
      return parts;
    },
  };
}

/**
 * A transform accepted and dropped: the pipeline already acts on the float [0, 1] image ToTensor() gives.
 * `check` rejects argument values that would change that (e.g. ToDtype without scale).
 */
export function noOp<P extends Params>(def: {
  readonly name: string;
  readonly params: P;
  readonly check?: (args: ArgsOf<P>, reject: Reject<P>) => void;
}): Signature {
  return {
    name: def.name,
    params: paramList(def.params),
    bind(given, _span, context, reject) {
      def.check?.(readArgs(def.params, given, context), reject);
      return null;
    },
  };
}

function paramList(params: Params): Signature['params'] {
  return Object.entries(params).map(([name, param]) => ({ name, required: param.default === undefined }));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  return a === b;
}
