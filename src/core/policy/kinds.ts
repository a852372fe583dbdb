import type { Node } from './ast';
import { PolicyError, snippet } from './errors';
import { INTERPOLATION_MODULES, stripModule } from './modules';
import type { Fill, Interpolation, Padding, PaddingMode, TransformSpec } from './types';

/**
 * Value kinds: how one torchvision argument is read from the syntax tree (with torchvision's normalisation and
 * checks) and written back in canonical Python spelling.
 */
export interface ValueKind<T> {
  read(node: Node, ctx: ReadContext): T;
  write(value: T, ctx: WriteContext): string;
}

export interface ReadContext {
  /** The whole policy text, which spans index. */
  readonly source: string;
  readonly transform: string;
  readonly arg: string;
  /** Python call arguments spell enums as names; JSON objects spell them as strings. */
  readonly dialect: 'python' | 'json';
  /** Binds a nested transform; null for a transform that is a no-op here (ToTensor, ...). */
  bindTransform(node: Node): TransformSpec | null;
}

export interface WriteContext {
  transform(spec: TransformSpec): string;
}

export type TorchDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'bool';

export function invalid(node: Node, ctx: ReadContext, detail: string): never {
  throw new PolicyError('argument', `${ctx.transform}: argument '${ctx.arg}' ${detail}, got ${snippet(ctx.source, node.span)}${variableHint(node)}`, node.span);
}

/** Policies are read, not run: a bare name such as `mean` is a variable AugLens cannot see. */
export function variableHint(node: Node): string {
  return node.type === 'name' && node.path.length === 1 ? ' (a variable: AugLens does not run Python, write its value)' : '';
}

export const formatNumber = (x: number): string => String(x);
export const formatTuple = (xs: readonly number[]): string => (xs.length === 1 ? `(${formatNumber(xs[0])},)` : `(${xs.map(formatNumber).join(', ')})`);

export function number(node: Node, ctx: ReadContext, detail: string): number {
  if (node.type !== 'number') invalid(node, ctx, detail);
  return node.value;
}

function int(node: Node, ctx: ReadContext, detail: string): number {
  const value = number(node, ctx, detail);
  if (!Number.isInteger(value)) invalid(node, ctx, detail);
  return value;
}

/** The items of a list or tuple of one of the allowed lengths, or undefined for anything else. */
export function items(node: Node, lengths?: readonly number[]): readonly Node[] | undefined {
  if (node.type !== 'list' && node.type !== 'tuple') return undefined;
  return lengths === undefined || lengths.includes(node.items.length) ? node.items : undefined;
}

export const bool: ValueKind<boolean> = {
  read(node, ctx) {
    if (node.type !== 'bool') invalid(node, ctx, 'must be True or False');
    return node.value;
  },
  write: (value) => (value ? 'True' : 'False'),
};

/** A probability, as `p` of the flips and RandomApply. */
export const probability: ValueKind<number> = {
  read(node, ctx) {
    const p = number(node, ctx, 'must be a probability in [0, 1]');
    if (p < 0 || p > 1) invalid(node, ctx, 'must be a probability in [0, 1]');
    return p;
  },
  write: formatNumber,
};

export const positiveInt: ValueKind<number> = {
  read(node, ctx) {
    const value = int(node, ctx, 'must be a positive int');
    if (value <= 0) invalid(node, ctx, 'must be a positive int');
    return value;
  },
  write: formatNumber,
};

/** Resize's `antialias`: True, False, or None (legacy, which means False on tensors). */
export const antialias: ValueKind<boolean> = {
  read: (node, ctx) => (node.type === 'none' ? false : bool.read(node, ctx)),
  write: bool.write,
};

/** torchvision's `_setup_size`: an int s means (s, s); a sequence of 1 or 2 ints is (h, w). */
export const cropSize: ValueKind<readonly [number, number]> = {
  read(node, ctx) {
    const detail = 'must be a positive int or a sequence (h, w) of positive ints';
    const seq = items(node, [1, 2]);
    const [h, w] = seq ? seq.map((n) => positiveIntIn(n, node, ctx, detail)) : [positiveIntIn(node, node, ctx, detail)];
    return [h, w ?? h];
  },
  write: (size) => formatTuple(size),
};

/** Resize's `size`: an int (or a 1-sequence) is the smaller edge; a 2-sequence is (h, w). */
export const resizeSize: ValueKind<number | readonly [number, number]> = {
  read(node, ctx) {
    if (node.type === 'none') invalid(node, ctx, 'must be given (size=None, which fits the longer edge to max_size, is not supported yet)');
    const detail = 'must be a positive int or a sequence (h, w) of positive ints';
    const seq = items(node, [1, 2]);
    if (!seq) return positiveIntIn(node, node, ctx, detail);
    const values = seq.map((n) => positiveIntIn(n, node, ctx, detail));
    return values.length === 1 ? values[0] : [values[0], values[1]];
  },
  write: (size) => (typeof size === 'number' ? formatNumber(size) : formatTuple(size)),
};

function positiveIntIn(node: Node, whole: Node, ctx: ReadContext, detail: string): number {
  if (node.type !== 'number' || !Number.isInteger(node.value) || node.value <= 0) invalid(whole, ctx, detail);
  return node.value;
}

/**
 * torchvision's padding: an int pads all borders; a 1-sequence likewise; a 2-sequence is (left/right, top/bottom);
 * a 4-sequence is (left, top, right, bottom). None, or all zeros, means no padding.
 */
export const padding: ValueKind<Padding | null> = {
  read(node, ctx) {
    if (node.type === 'none') return null;
    const detail = 'must be an int or a sequence of 1, 2 or 4 ints';
    const seq = items(node, [1, 2, 4]);
    const values = (seq ?? [node]).map((n) => {
      if (n.type !== 'number' || !Number.isInteger(n.value)) invalid(node, ctx, detail);
      if (n.value < 0) invalid(node, ctx, 'values must be non-negative');
      return n.value;
    });
    const [l, t, r, b] = values.length === 1 ? [values[0], values[0], values[0], values[0]]
      : values.length === 2 ? [values[0], values[1], values[0], values[1]]
      : values;
    return l === 0 && t === 0 && r === 0 && b === 0 ? null : [l, t, r, b];
  },
  write: (value) => (value === null ? 'None' : formatTuple(value)),
};

/** `fill`: a number for every channel or one per channel; None fills with 0 on tensors. */
export const fill: ValueKind<Fill> = {
  read(node, ctx) {
    const detail = 'must be a number or a sequence of numbers';
    if (node.type === 'none') return 0;
    const seq = items(node);
    if (!seq) return number(node, ctx, detail);
    if (seq.length === 0) invalid(node, ctx, detail);
    return seq.map((n) => number(n, ctx, detail));
  },
  write: (value) => (typeof value === 'number' ? formatNumber(value) : formatTuple(value)),
};

const PADDING_MODES: readonly PaddingMode[] = ['constant', 'edge', 'reflect', 'symmetric'];

export const paddingMode: ValueKind<PaddingMode> = {
  read(node, ctx) {
    const mode = PADDING_MODES.find((m) => node.type === 'string' && node.value === m);
    if (mode === undefined) invalid(node, ctx, `must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}`);
    return mode;
  },
  write: (mode) => `'${mode}'`,
};

/** A pair of numbers, each accepted by `check` (described by `detail`); a `range` must also be (min, max). */
export function pair(detail: string, check: (x: number) => boolean, range = false): ValueKind<readonly [number, number]> {
  return {
    read(node, ctx) {
      const seq = items(node, [2]);
      if (!seq) invalid(node, ctx, detail);
      const values = seq.map((n) => number(n, ctx, detail));
      if (!values.every(check)) invalid(node, ctx, detail);
      if (range) uniformRanges(node, ctx, values);
      return [values[0], values[1]];
    },
    write: formatTuple,
  };
}

export function nullable<T>(kind: ValueKind<T>): ValueKind<T | null> {
  return {
    read: (node, ctx) => (node.type === 'none' ? null : kind.read(node, ctx)),
    write: (value, ctx) => (value === null ? 'None' : kind.write(value, ctx)),
  };
}

/** float32's largest finite value: torch refuses uniform_ ends, and max - min, beyond it on float32 tensors. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Checks consecutive (min, max) pairs as torch's uniform_(min, max) on a float32 tensor does (torchvision draws
 * angles, scales and shears that way): min <= max, both ends within float32's range and max - min <= FLOAT32_MAX.
 */
function uniformRanges(node: Node, ctx: ReadContext, range: readonly number[]): void {
  for (let i = 0; i + 1 < range.length; i += 2) {
    const [min, max] = [range[i], range[i + 1]];
    if (min > max) invalid(node, ctx, 'must give ranges as (min, max) with min <= max');
    if (Math.abs(min) > FLOAT32_MAX || Math.abs(max) > FLOAT32_MAX || max - min > FLOAT32_MAX) {
      invalid(node, ctx, `must give ranges with max - min and both ends within ${FLOAT32_MAX} (torch draws them with float32 uniform_)`);
    }
  }
}

/** torchvision's `_setup_angle` for degrees: a number d means (-d, d); else a sequence (min, max). */
export const angleRange: ValueKind<readonly [number, number]> = {
  read(node, ctx) {
    const detail = 'must be a non-negative number or a sequence (min, max)';
    const seq = items(node, [2]);
    if (!seq) {
      const d = number(node, ctx, detail);
      if (d < 0) invalid(node, ctx, 'must be non-negative when it is a single number');
      uniformRanges(node, ctx, [0 - d, d]);
      return [0 - d, d];
    }
    const range = seq.map((n) => number(n, ctx, detail));
    uniformRanges(node, ctx, range);
    return [range[0], range[1]];
  },
  write: formatTuple,
};

/**
 * RandomAffine's shear as [xmin, xmax, ymin, ymax]: a number s is an x-shear in (-s, s); a 2-sequence an x-shear
 * range; a 4-sequence x and y ranges.
 */
export const shear: ValueKind<readonly [number, number, number, number]> = {
  read(node, ctx) {
    const detail = 'must be a non-negative number or a sequence of 2 or 4 numbers';
    const seq = items(node, [2, 4]);
    if (!seq) {
      const s = number(node, ctx, detail);
      if (s < 0) invalid(node, ctx, 'must be non-negative when it is a single number');
      uniformRanges(node, ctx, [0 - s, s]);
      return [0 - s, s, 0, 0];
    }
    const range = seq.map((n) => number(n, ctx, detail));
    uniformRanges(node, ctx, range);
    return [range[0], range[1], range[2] ?? 0, range[3] ?? 0];
  },
  write: formatTuple,
};

/** Normalize's mean and std: a sequence of numbers (a single number applies to every channel). */
export const numbers: ValueKind<readonly number[]> = {
  read(node, ctx) {
    const detail = 'must be a number or a non-empty sequence of numbers';
    const seq = items(node);
    if (!seq) return [number(node, ctx, detail)];
    if (seq.length === 0) invalid(node, ctx, detail);
    return seq.map((n) => number(n, ctx, detail));
  },
  write: formatTuple,
};

/** A list of transforms (Compose, RandomApply); no-op transforms are dropped. */
export const transformList: ValueKind<readonly TransformSpec[]> = {
  read(node, ctx) {
    const seq = items(node);
    if (!seq) invalid(node, ctx, 'must be a list of transforms');
    return seq.map((n) => ctx.bindTransform(n)).filter((t): t is TransformSpec => t !== null);
  },
  write: (list, ctx) => `[${list.map((t) => ctx.transform(t)).join(', ')}]`,
};

const INTERPOLATION_NAMES = new Map<string, Interpolation>([
  ['NEAREST', 'nearest'],
  ['NEAREST_EXACT', 'nearest-exact'],
  ['BILINEAR', 'bilinear'],
  ['BICUBIC', 'bicubic'],
]);
const interpolationName = (mode: Interpolation): string => [...INTERPOLATION_NAMES].find(([, m]) => m === mode)![0];
const PIL_ONLY_MODES = ['BOX', 'HAMMING', 'LANCZOS'];

/** An `InterpolationMode` member among `allowed` (those torchvision supports for tensors in this transform). */
export function interpolation(allowed: readonly Interpolation[]): ValueKind<Interpolation> {
  const spelled = allowed.map((m) => `InterpolationMode.${interpolationName(m)}`).join(', ');
  return {
    read(node, ctx) {
      const member = interpolationMember(node, ctx);
      if (member === undefined) invalid(node, ctx, `must be one of ${spelled}`);
      const mode = INTERPOLATION_NAMES.get(member);
      if (mode === undefined && PIL_ONLY_MODES.includes(member)) invalid(node, ctx, `must be one of ${spelled} (InterpolationMode.${member} works on PIL images only; AugLens follows the tensor backend)`);
      if (mode === undefined || !allowed.includes(mode)) invalid(node, ctx, `must be one of ${spelled} (tensor backend)`);
      return mode;
    },
    write: (mode) => `InterpolationMode.${interpolationName(mode)}`,
  };
}

/** The member name (`BILINEAR`) a node spells, or undefined. */
function interpolationMember(node: Node, ctx: ReadContext): string | undefined {
  const isPilConstant = node.type === 'name' && node.path.length >= 2 && node.path.some((p) => p === 'Image' || p === 'Resampling');
  if (node.type === 'number' || isPilConstant) {
    invalid(node, ctx, 'uses an integer (PIL) interpolation code, which torchvision deprecated: write an InterpolationMode such as InterpolationMode.BILINEAR');
  }
  let path: readonly string[] | undefined;
  if (node.type === 'name') path = node.path;
  if (node.type === 'string' && ctx.dialect === 'json') {
    const byValue = [...INTERPOLATION_NAMES].find(([, mode]) => mode === node.value);
    path = byValue ? ['InterpolationMode', byValue[0]] : node.value.split('.');
    if (path.length === 1) path = ['InterpolationMode', path[0].toUpperCase()];
  }
  if (path === undefined || path.length < 2 || path[path.length - 2] !== 'InterpolationMode') return undefined;
  return stripModule(path.slice(0, -1), INTERPOLATION_MODULES) === undefined ? undefined : path[path.length - 1];
}

const TORCH_DTYPES = new Map<string, TorchDtype>([
  ['float32', 'float32'], ['float', 'float32'], ['float64', 'float64'], ['double', 'float64'], ['float16', 'float16'],
  ['half', 'float16'], ['bfloat16', 'bfloat16'], ['uint8', 'uint8'], ['int8', 'int8'], ['int16', 'int16'], ['short', 'int16'],
  ['int32', 'int32'], ['int', 'int32'], ['int64', 'int64'], ['long', 'int64'], ['bool', 'bool'],
]);

/** A torch dtype: `torch.float32` (JSON: "torch.float32" or "float32"). */
export const dtype: ValueKind<TorchDtype> = {
  read(node, ctx) {
    let name: string | undefined;
    if (node.type === 'name' && node.path.length === 2 && node.path[0] === 'torch') name = node.path[1];
    if (node.type === 'string' && ctx.dialect === 'json') name = node.value.replace(/^torch\./, '');
    const value = name === undefined ? undefined : TORCH_DTYPES.get(name);
    if (value === undefined) invalid(node, ctx, 'must be a torch dtype such as torch.float32');
    return value;
  },
  write: (value) => `torch.${value}`,
};
