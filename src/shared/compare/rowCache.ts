// The comparison's rows with a memory: a live update changes a run or two and re-sends the groups,
// so rows are rebuilt only where their inputs changed (a run replaced, a group whose statistics or
// members differ) and every other row keeps its identity. Identity is what lets the table, the
// charts and their caches patch only what changed instead of drawing everything again.
import type { CompareGroupView, CompareRunView, CompareViewModel } from '../../protocol/webview';
import { groupRow, runRow, type CompareRow } from './rows';

/** Deep equality of plain data (what a view model is made of), without serialising it. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => k in rb && sameData(ra[k], rb[k]));
}

interface GroupEntry {
  group: CompareGroupView;
  members: (CompareRunView | undefined)[];
  labelKeys: string;
  row: CompareRow;
}

export class RowCache {
  private readonly runRows = new WeakMap<CompareRunView, CompareRow>();
  private groups = new Map<string, GroupEntry>();
  private last: CompareRow[] = [];

  /** The view's rows (as `rowsOf`), reusing every row whose run, or group and members, are unchanged. */
  rows(view: CompareViewModel, grouped: boolean): { rows: CompareRow[]; changed: boolean } {
    const rows = grouped ? this.groupedRows(view) : view.runs.map((run) => this.runRow(run));
    const changed = rows.length !== this.last.length || rows.some((row, i) => row !== this.last[i]);
    if (changed) this.last = rows;
    return { rows: this.last, changed };
  }

  private runRow(run: CompareRunView): CompareRow {
    let row = this.runRows.get(run);
    if (!row) {
      row = runRow(run);
      this.runRows.set(run, row);
    }
    return row;
  }

  private groupedRows(view: CompareViewModel): CompareRow[] {
    const runsByDir = new Map(view.runs.map((r) => [r.runDir, r]));
    const labelKeys = [
      ...view.configKeys.swept,
      ...view.configKeys.differing.filter((k) => !view.configKeys.swept.includes(k)),
    ];
    const labelSignature = labelKeys.join('\n');
    const next = new Map<string, GroupEntry>();
    const rows = view.groups.map((group: CompareGroupView) => {
      const members = group.runDirs.map((d) => runsByDir.get(d));
      const old = this.groups.get(group.key);
      const entry =
        old &&
        sameData(old.group, group) &&
        old.labelKeys === labelSignature &&
        old.members.length === members.length &&
        old.members.every((m, i) => m === members[i])
          ? old
          : { group, members, labelKeys: labelSignature, row: groupRow(group, runsByDir, labelKeys) };
      next.set(group.key, entry);
      return entry.row;
    });
    this.groups = next;
    const inGroup = new Set(view.groups.flatMap((g) => g.runDirs));
    for (const run of view.runs) if (!inGroup.has(run.runDir)) rows.push(this.runRow(run));
    return rows;
  }
}
