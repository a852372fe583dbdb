// Number formatting for the panel. Pure.
import { formatCompact } from '../src/core/render/ticks';

/** A value with 3 significant digits ("0.0149", "1.2e-5"); "n/a" when missing. */
export function num(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? 'n/a' : formatCompact(value, digits);
}

/** A count with thousands separators; null means unbounded. */
export function count(value: number | null): string {
  return value === null ? 'unbounded' : Math.round(value).toLocaleString('en-US');
}

export function percent(value: number, digits = 1): string {
  return `${(100 * value).toFixed(digits)}%`;
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "a, b, c", or "a" when all are equal. */
export function list(values: readonly number[]): string {
  return values.every((v) => v === values[0]) ? `${values[0]}` : values.join(', ');
}

/** Parses "0.485, 0.456, 0.406" (1 to 4 numbers); undefined when malformed, null when empty. */
export function parseNumberList(text: string): number[] | null | undefined {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const values = trimmed.split(/[\s,]+/).map(Number);
  return values.length <= 4 && values.every(Number.isFinite) ? values : undefined;
}
