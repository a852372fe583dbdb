import { formatPolicy, parsePolicy, PolicyError } from '../policy';
import { snippet } from '../policy/errors';
import { SIGNATURES } from '../policy/torchvisionSignatures';
import type { NormalizeSpec, SourceSpan, TransformSpec } from '../policy/types';
import { scanTransformCalls, type ArgValue, type TransformCall } from './calls';
import { policyTextOf } from './policyText';
import { suggestedFix, type TextFix } from './suggestedFix';

/**
 * What AugLens can analyse in a Python file: each Compose of literal transforms as a whole, each random transform
 * on its own (inside a Compose: with the Compose's deterministic steps around it, its other random transforms left
 * out), and a hint wherever a transform cannot be read, saying why.
 */
export interface AnalysisTarget {
  readonly kind: 'compose' | 'transform';
  /** 'Compose', 'RandomCrop', ... */
  readonly name: string;
  /** The whole call. */
  readonly span: SourceSpan;
  /** Where its diagnostic goes: the whole call for a transform, the callee (`T.Compose`) for a Compose. */
  readonly anchor: SourceSpan;
  /** The canonical policy the engine analyses, e.g. `Compose([Resize(size=256), RandomCrop(size=(224, 224))])`. */
  readonly policy: string;
  /** The analysed steps, canonically spelled, for display. */
  readonly steps: readonly string[];
  /** Transforms of the enclosing Compose left out of a transform's analysis. */
  readonly leftOut: readonly string[];
  /** The model input normalisation the pipeline itself implies, or null to use the configured preprocessing. */
  readonly normalization: Normalization | null;
}

export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** Why, in words. */
  readonly reason: string;
}

export interface PythonHint {
  readonly span: SourceSpan;
  readonly message: string;
  readonly fix?: TextFix;
}

export interface PythonScan {
  readonly targets: readonly AnalysisTarget[];
  readonly hints: readonly PythonHint[];
}

type Status = { readonly ok: true; readonly spec: TransformSpec | null } | { readonly ok: false; readonly blame: TransformCall };

const DETERMINISTIC = new Set<string>(['Resize', 'CenterCrop', 'Normalize']);

export function scanPython(source: string): PythonScan {
  return new Analysis(source).run();
}

class Analysis {
  private readonly status = new Map<TransformCall, Status>();
  private readonly hints: PythonHint[] = [];
  private readonly lineOf: (offset: number) => number;

  constructor(private readonly source: string) {
    this.lineOf = lineNumbers(source);
  }

  run(): PythonScan {
    const calls = scanTransformCalls(this.source);
    for (const call of calls) this.evaluate(call);
    const parents = directParents(calls);
    const targets: AnalysisTarget[] = [];
    for (const call of calls) {
      const status = this.status.get(call)!;
      if (!status.ok || status.spec === null || !isRandom(status.spec)) continue;
      const parent = parents.get(call);
      if (parent === undefined) targets.push(this.wholeTarget(call, status.spec));
      else if (parent.name === 'Compose') targets.push(this.itemTarget(call, status.spec, parent));
    }
    return { targets, hints: this.hints };
  }

  private evaluate(call: TransformCall): Status {
    const known = this.status.get(call);
    if (known) return known;
    const status = this.read(call);
    this.status.set(call, status);
    return status;
  }

  private read(call: TransformCall): Status {
    const opaque = ownOpaqueValues(call);
    for (const { value, where } of opaque) {
      const what = value.reason.startsWith('the ') ? value.reason : `${value.reason} '${snippet(this.source, value.span)}'`;
      this.hints.push({
        span: value.span,
        message: `${call.name} is not analysed: ${where} is ${what}; AugLens reads literal values only and does not run your code`,
      });
    }
    if (opaque.length > 0) return { ok: false, blame: call };
    for (const child of nestedCalls(call)) {
      const status = this.evaluate(child);
      if (!status.ok) {
        const line = this.lineOf(status.blame.span.start);
        this.hints.push({
          span: call.callee,
          message: `this ${call.name} is not analysed as a whole: see the AugLens hint on ${status.blame.name} (line ${line})`,
        });
        return { ok: false, blame: status.blame };
      }
    }
    const text = policyTextOf(call, this.source);
    try {
      const root = parsePolicy(text.text);
      return { ok: true, spec: call.name === 'Compose' ? root : (root.transforms[0] ?? null) };
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      const span = text.toSource(error.span);
      this.hints.push({ span, message: error.message, fix: suggestedFix(error.message, span, this.source) });
      return { ok: false, blame: call };
    }
  }

  private wholeTarget(call: TransformCall, spec: TransformSpec): AnalysisTarget {
    const isCompose = spec.kind === 'Compose';
    const steps = isCompose ? spec.transforms : [spec];
    return this.target(call, isCompose ? 'compose' : 'transform', steps, [], isCompose ? call.callee : call.span);
  }

  /** A transform inside a Compose: analysed with the Compose's deterministic steps, without its other random ones. */
  private itemTarget(call: TransformCall, spec: TransformSpec, compose: TransformCall): AnalysisTarget {
    const steps: TransformSpec[] = [];
    const leftOut: string[] = [];
    for (const sibling of nestedCalls(compose)) {
      const status = this.status.get(sibling)!;
      if (sibling === call) steps.push(spec);
      else if (!status.ok) leftOut.push(sibling.name);
      else if (status.spec !== null && !isRandom(status.spec)) steps.push(status.spec);
      else if (status.spec !== null) leftOut.push(sibling.name);
    }
    return this.target(call, 'transform', steps, leftOut, call.span);
  }

  private target(call: TransformCall, kind: AnalysisTarget['kind'], steps: readonly TransformSpec[], leftOut: string[], anchor: SourceSpan): AnalysisTarget {
    const { policySteps, normalization } = splitNormalization(steps);
    return {
      kind,
      name: call.name,
      span: call.span,
      anchor,
      policy: formatPolicy({ kind: 'Compose', transforms: policySteps }),
      steps: policySteps.map(formatPolicy),
      leftOut,
      normalization,
    };
  }
}

/**
 * A trailing Normalize is how the model expects its input: it becomes the preprocessing (the policy then acts on
 * the [0, 1] image, as AugLens requires). A Normalize followed by other transforms stays in the policy, and then the
 * model gets the policy's output unchanged.
 */
function splitNormalization(steps: readonly TransformSpec[]): { policySteps: TransformSpec[]; normalization: Normalization | null } {
  const last = steps[steps.length - 1];
  if (last?.kind === 'Normalize') {
    const rest = steps.slice(0, -1);
    if (!rest.some((s) => s.kind === 'Normalize')) {
      return { policySteps: rest, normalization: { mean: last.mean, std: last.std, reason: `the pipeline's ${formatPolicy(last)}` } };
    }
  }
  const inside = steps.find((s): s is NormalizeSpec => s.kind === 'Normalize');
  if (inside) {
    return { policySteps: [...steps], normalization: { mean: [0], std: [1], reason: `none beyond the policy's own ${formatPolicy(inside)}` } };
  }
  return { policySteps: [...steps], normalization: null };
}

function isRandom(spec: TransformSpec): boolean {
  if (spec.kind === 'Compose') return spec.transforms.some(isRandom);
  return !DETERMINISTIC.has(spec.kind);
}

/** The calls written directly in another call's arguments (not through a variable), mapped to that call. */
function directParents(calls: readonly TransformCall[]): Map<TransformCall, TransformCall> {
  const parents = new Map<TransformCall, TransformCall>();
  for (const call of calls) {
    for (const child of nestedCalls(call)) if (child.span.start >= call.span.start && child.span.end <= call.span.end) parents.set(child, call);
  }
  return parents;
}

/** Transform calls among a call's arguments (through lists and tuples), in order. */
function nestedCalls(call: TransformCall): TransformCall[] {
  const found: TransformCall[] = [];
  const visit = (value: ArgValue): void => {
    if (value.kind === 'call') found.push(value.call);
    if (value.kind === 'sequence') value.items.forEach(visit);
  };
  call.args.forEach((a) => visit(a.value));
  return found;
}

/** Opaque values among a call's own arguments (not those of nested calls), with where they are in words. */
function ownOpaqueValues(call: TransformCall): { value: ArgValue & { kind: 'opaque' }; where: string }[] {
  const params = SIGNATURES.get(call.name)?.params ?? [];
  const found: { value: ArgValue & { kind: 'opaque' }; where: string }[] = [];
  call.args.forEach((arg, i) => {
    const name = arg.keyword?.name ?? params[i]?.name;
    const argument = name === undefined ? `argument ${i + 1}` : `argument '${name}'`;
    const visit = (value: ArgValue, where: string): void => {
      if (value.kind === 'opaque') found.push({ value, where });
      if (value.kind === 'sequence') value.items.forEach((item, k) => visit(item, `item ${k + 1} of ${argument}`));
    };
    visit(arg.value, argument);
  });
  return found;
}

/** 1-based line numbers of offsets, from the line starts found once. */
function lineNumbers(source: string): (offset: number) => number {
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
