/** Why a model could not be used ('too-large': a file or a declared input past AugLens' size limits). */
export const MODEL_ERROR_CODES = [
  'not-found',
  'corrupt',
  'multiple-inputs',
  'not-image',
  'unsupported-dtype',
  'external-data-missing',
  'too-large',
  'runtime',
] as const;

/** The message always names the cause and the file. */
export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[number];

export class ModelError extends Error {
  readonly code: ModelErrorCode;

  constructor(code: ModelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelError';
    this.code = code;
  }
}
