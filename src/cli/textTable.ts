/** Rows of cells as aligned text: the first column left-aligned, the others right-aligned. */
export function textTable(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) => indent + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

/** A number for a table: 4 significant digits, 'inf' for Infinity. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'n/a';
  if (x === 0) return '0';
  if (Math.abs(x) >= 1e4) return Math.round(x).toLocaleString('en-US');
  return Math.abs(x) < 1e-3 ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

/** A difference with its sign. */
export function formatSigned(x: number): string {
  return x > 0 ? `+${formatNumber(x)}` : formatNumber(x);
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
