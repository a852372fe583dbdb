/**
 * Compact labels for colour-bar ticks: "0", "0.5", "0.0123", "123", "1.2e-5", "3.4e+6".
 * The values are written with the fewest significant digits (3 to 6) that keep distinct values distinct.
 */
export function formatTicks(values: readonly number[]): string[] {
  const distinctValues = new Set(values).size;
  let labels = values.map((v) => formatCompact(v, 3));
  for (let digits = 4; digits <= 6 && new Set(labels).size < distinctValues; digits++) {
    labels = values.map((v) => formatCompact(v, digits));
  }
  return labels;
}

/** `value` with at most `digits` significant digits, plain for 1e-3 <= |v| < 1e4, else in exponent form. */
export function formatCompact(value: number, digits = 3): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e4) {
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(magnitude)));
    return stripZeros(value.toFixed(decimals));
  }
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
  return `${stripZeros(mantissa)}e${exponent}`;
}

function stripZeros(fixed: string): string {
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}
