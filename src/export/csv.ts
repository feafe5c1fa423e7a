// A flat table as CSV (RFC 4180): a header row, then one line per row; empty cells are nulls, numbers
// are written in full (the shortest text that reads back to the same double), and a float column's
// whole numbers with a decimal point (1.0), so readers that infer types keep the column float.
//
// Text cells and headers that a spreadsheet would evaluate as a formula (starting with =, +, -, @, tab or
// carriage return: the OWASP rule) get a leading apostrophe, so `-2+3*u1` or `=HYPERLINK(…)` reads as text.
// Numbers are written as numbers, negative ones included.
import type { Cell, ColumnType, FlatTable } from './table';

const FORMULA_START = /^[=+\-@\t\r]/;

function text(value: Cell, type: ColumnType = 'utf8'): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') {
    if (type === 'float64' && Number.isInteger(value) && Math.abs(value as number) < 1e21) return `${value}.0`;
    return String(value);
  }
  const raw = String(value);
  const s = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n\t]|^\s|\s$/.test(s) || s !== raw ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(table: FlatTable): string {
  const lines = [table.columns.map((c) => text(c.name)).join(',')];
  for (let i = 0; i < table.rows; i++) lines.push(table.columns.map((c) => text(c.values[i], c.type)).join(','));
  return lines.join('\n') + '\n';
}
