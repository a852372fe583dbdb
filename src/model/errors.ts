/** Why a model could not be used; the message always names the cause and the file. */
export type ModelErrorCode =
  | 'not-found'
  | 'corrupt'
  | 'multiple-inputs'
  | 'not-image'
  | 'unsupported-dtype'
  | 'external-data-missing'
  /** A file or a declared input past AugLens' size limits. */
  | 'too-large'
  | 'runtime';

export class ModelError extends Error {
  readonly code: ModelErrorCode;

  constructor(code: ModelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelError';
    this.code = code;
  }
}
