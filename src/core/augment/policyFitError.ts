import type { SourceSpan } from '../policy/types';

/**
 * A policy that parses but cannot be applied to an image of the given shape (a crop larger than the image, reflect
 * padding wider than it, a fill with the wrong channel count, ...). `span`: the transform's place in the policy text.
 */
export class PolicyFitError extends Error {
  constructor(
    message: string,
    readonly span: SourceSpan | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PolicyFitError';
  }
}
