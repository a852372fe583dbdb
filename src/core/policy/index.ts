export { parsePolicy } from './policy';
export { formatPolicy } from './format';
export { PolicyError, lineColumn, printable, type PolicyErrorKind } from './errors';
export { errorFrame, type ErrorFrame } from './errorFrame';
export type * from './types';
