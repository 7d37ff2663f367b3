// Sorting and filtering the comparison's rows; pure, so the virtualised table only draws.
import type { RunStatus } from '../../protocol/events';
import type { CompareRow } from './rows';

export interface RowFilter {
  text: string;
  /** Statuses shown; empty shows every status. */
  statuses: RunStatus[];
}

/** The value a column sorts by: a metric's mean, a config value, the label or the status. */
export function sortValue(row: CompareRow, column: string): number | string | undefined {
  if (column === 'label') return row.label;
  if (column === 'status') return row.status;
  if (column.startsWith('config:')) {
    const v = row.config[column.slice('config:'.length)];
    return v === null || v === undefined ? undefined : typeof v === 'number' ? v : String(v);
  }
  return row.cells[column]?.value;
}

/** Rows sorted by a column; rows without a value go last either way; ties keep their order. */
export function sortRows(rows: readonly CompareRow[], column: string, descending: boolean): CompareRow[] {
  const sign = descending ? -1 : 1;
  return rows
    .map((row, i) => ({ row, i, v: sortValue(row, column) }))
    .sort((a, b) => {
      if (a.v === undefined && b.v === undefined) return a.i - b.i;
      if (a.v === undefined) return 1;
      if (b.v === undefined) return -1;
      const order =
        typeof a.v === 'number' && typeof b.v === 'number'
          ? a.v - b.v
          : String(a.v).localeCompare(String(b.v), undefined, { numeric: true });
      return order * sign || a.i - b.i;
    })
    .map(({ row }) => row);
}

/** What the text filter searches in a row, built once per row (rows are rebuilt when they change). */
const haystacks = new WeakMap<CompareRow, string>();

function haystackOf(row: CompareRow): string {
  let haystack = haystacks.get(row);
  if (haystack === undefined) {
    haystack = `${row.searchText} ${row.label.toLowerCase()} ${Object.entries(row.config)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ')
      .toLowerCase()}`;
    haystacks.set(row, haystack);
  }
  return haystack;
}

/** True when every word of the text occurs in the row's label, names, notes or config values. */
export function matchesText(row: CompareRow, text: string): boolean {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = haystackOf(row);
  return words.every((w) => haystack.includes(w));
}

export function filterRows(
  rows: readonly CompareRow[],
  filter: RowFilter,
  keep: (row: CompareRow) => boolean = () => true,
): CompareRow[] {
  return rows.filter(
    (row) =>
      (filter.statuses.length === 0 || filter.statuses.includes(row.status)) &&
      matchesText(row, filter.text) &&
      keep(row),
  );
}
