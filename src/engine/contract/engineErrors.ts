import { MODEL_ERROR_CODES, type ModelErrorCode } from '../../model/errors';
import { POLICY_ERROR_KINDS, type PolicyErrorKind } from '../../core/policy/errors';

/**
 * Why an engine request failed, as it crosses the process boundary (the 'error' message) and reaches a host:
 * - 'policy': the policy does not parse, or does not fit the image (details: `policy`, and `span` in the policy text);
 * - 'image': an image cannot be read, decoded or resized;
 * - 'model': the model cannot be loaded or run (details: `model`, src/model's code);
 * - 'budget': the forward-pass budget is too small for the policy;
 * - 'request': a malformed or out-of-range request (an unknown preset, too many Monte-Carlo draws, ...);
 * - 'out-of-memory': the analysis ran out of memory;
 * - 'engine-start', 'engine-exit', 'engine-silent': the engine process failed to start, ended, or stopped responding;
 * - 'protocol': the engine sent a malformed message or answered another request;
 * - 'cancelled': the host cancelled the request;
 * - 'internal': anything else (a bug).
 */
export const ENGINE_ERROR_CODES = [
  'policy',
  'image',
  'model',
  'budget',
  'request',
  'out-of-memory',
  'engine-start',
  'engine-exit',
  'engine-silent',
  'protocol',
  'cancelled',
  'internal',
] as const;

export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

/** What a policy error is: one of the parser's kinds, or 'fit' for a policy that parses but does not fit the image. */
export type PolicyFailureKind = PolicyErrorKind | 'fit';

export interface EngineErrorDetails {
  readonly policy?: PolicyFailureKind;
  /** Offsets into the policy text, [start, end). */
  readonly span?: { readonly start: number; readonly end: number };
  readonly model?: ModelErrorCode;
}

/** A failed engine request, on either side of the process boundary. */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details: EngineErrorDetails = {},
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export const isEngineErrorCode = (v: unknown): v is EngineErrorCode => (ENGINE_ERROR_CODES as readonly unknown[]).includes(v);

/** Whether `v` is well-formed details: only known keys, each of its type. */
export function isEngineErrorDetails(v: unknown): v is EngineErrorDetails {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const d = v as Record<string, unknown>;
  const span = d.span as Record<string, unknown> | undefined;
  return (
    Object.keys(d).every((k) => k === 'policy' || k === 'span' || k === 'model') &&
    (d.policy === undefined || d.policy === 'fit' || (POLICY_ERROR_KINDS as readonly unknown[]).includes(d.policy)) &&
    (d.model === undefined || (MODEL_ERROR_CODES as readonly unknown[]).includes(d.model)) &&
    (span === undefined ||
      (typeof span === 'object' && span !== null && Number.isInteger(span.start) && Number.isInteger(span.end) && (span.start as number) >= 0 && (span.end as number) >= (span.start as number)))
  );
}
