/**
 * Rows as an aligned plain-text table (columns padded, two spaces apart); numbers with 4 decimals.
 * With `rule`, a line of dashes under the first row.
 */
export function textTable(rows: readonly (readonly (string | number)[])[], options: { rule?: boolean } = {}): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toFixed(4) : c)));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  const lines = cells.map(line);
  if (options.rule) lines.splice(1, 0, line(widths.map((w) => '-'.repeat(w))));
  return lines.join('\n');
}
