// CSV text (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled.
// Numbers keep full precision so an export reads back to the same values.

export type CsvCell = string | number | null | undefined;

function field(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: Iterable<CsvCell[]>): string {
  const lines = [header.map(field).join(',')];
  for (const row of rows) lines.push(row.map(field).join(','));
  return lines.join('\n') + '\n';
}
