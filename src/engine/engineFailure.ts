import { PolicyFitError } from '../core/augment/policyFitError';
import { PolicyError } from '../core/policy/errors';
import type { SourceSpan } from '../core/policy/types';
import { ModelError } from '../model/errors';
import { EngineError, type EngineErrorDetails } from './contract/engineErrors';

/** The typed error a failure inside the engine crosses the process boundary as; untyped errors are 'internal'. */
export function engineFailure(e: unknown): EngineError {
  if (e instanceof EngineError) return e;
  if (e instanceof PolicyError) return new EngineError('policy', e.message, { policy: e.kind, ...spanOf(e.span) });
  if (e instanceof PolicyFitError) return new EngineError('policy', e.message, { policy: 'fit', ...spanOf(e.span) });
  if (e instanceof ModelError) return new EngineError('model', e.message, { model: e.code });
  return new EngineError('internal', e instanceof Error ? e.message : String(e));
}

const spanOf = (span: SourceSpan | undefined): EngineErrorDetails => (span ? { span: { start: span.start, end: span.end } } : {});
