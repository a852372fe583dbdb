// Small checks for values received across a trust boundary (webview <-> host messages, saved state).

export type Fields = Record<string, unknown>;

/** Longest string accepted in a message; longer ones are rejected rather than truncated. */
export const MAX_TEXT_LENGTH = 4096;
/** Longest policy text accepted from the webview. */
export const MAX_POLICY_LENGTH = 65_536;

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

export function isText(value: unknown, maxLength = MAX_TEXT_LENGTH): value is string {
  return typeof value === 'string' && value.length <= maxLength;
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function isNumberList(value: unknown, maxLength = 1 << 16): value is number[] {
  return Array.isArray(value) && value.length <= maxLength && value.every(isFiniteNumber);
}

export function hasOnlyKeys(value: Fields, keys: readonly string[]): boolean {
  return Object.keys(value).every((k) => keys.includes(k));
}

export function isOneOf<T extends string>(value: unknown, options: readonly T[]): value is T {
  return typeof value === 'string' && (options as readonly string[]).includes(value);
}

/** A [C, H, W] shape with 1..4 channels and sides up to 16384. */
export function isShape(value: unknown): value is [number, number, number] {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    isInteger(value[0], 1, 4) &&
    isInteger(value[1], 1, 16_384) &&
    isInteger(value[2], 1, 16_384)
  );
}

export function isFloat32Array(value: unknown, length?: number): value is Float32Array {
  return value instanceof Float32Array && (length === undefined || value.length === length);
}
