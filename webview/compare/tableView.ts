// The comparison table, virtualised: only the rows in view (plus a margin) are in the DOM, so 1,000
// runs scroll smoothly. A live update patches: a row element is rebuilt only when its row object
// changed (rows keep their identity otherwise), and the window is computed from the scroll offset
// kept from scroll events, never by reading layout in the middle of writes. Group cells read "mean ± std (n)";
// the KD gain shows its 95% CI and is marked when the CI excludes 0; swept and differing config
// columns are highlighted.
import type { CompareViewModel } from '../../src/protocol/webview';
import { formatCi } from '../../src/shared/compare/cells';
import { configValue, type TableColumn } from '../../src/shared/compare/columns';
import { cellText } from '../../src/shared/compare/exports';
import type { CompareRow } from '../../src/shared/compare/rows';
import { clear, h } from '../shared/dom';

export const ROW_HEIGHT = 28;
const OVERSCAN = 8;
const VIEW_ROWS = 16;

export interface TableHost {
  sort(): { column: string; descending: boolean } | undefined;
  setSort(column: string, descending: boolean): void;
  toggleSelected(id: string, on: boolean): void;
  openRun(runDir: string): void;
  editMeta(runDir: string, field: 'name' | 'note'): void;
}

export class TableView {
  readonly element = h('div', { class: 'table-scroll', tabindex: 0, 'aria-label': 'Runs and settings' });
  private readonly table = h('table', { class: 'data compare' });
  private readonly head = h('thead');
  private readonly body = h('tbody');
  private rows: CompareRow[] = [];
  private columns: TableColumn[] = [];
  private view?: CompareViewModel;
  private first = -1;
  private last = -1;
  /** The row elements in the DOM, by row id, with the row and selection they were drawn from. */
  private drawn = new Map<string, { row: CompareRow; selected: boolean; tr: HTMLTableRowElement }>();
  private readonly topSpacer = this.spacer();
  private readonly bottomSpacer = this.spacer();
  private readonly empty = h('tr', {}, h('td', { class: 'empty' }, 'No run matches the filters.'));
  /** Scroll offset, from scroll events (reading it during an update would force a layout). */
  private scrollTop = 0;
  private viewportHeight = VIEW_ROWS * ROW_HEIGHT;
  private configSignature = '';
  private sortMarks = '';
  private selected: ReadonlySet<string> = new Set();

  constructor(private readonly host: TableHost) {
    this.table.append(
      h('caption', { class: 'visually-hidden' }, 'Runs or settings; groups show mean ± std over seeds'),
      this.head,
      this.body,
    );
    this.element.append(this.table);
    this.element.addEventListener(
      'scroll',
      () => {
        this.scrollTop = this.element.scrollTop;
        this.renderWindow();
      },
      { passive: true },
    );
  }

  private spacer(): HTMLTableRowElement {
    return h('tr', { class: 'spacer', 'aria-hidden': 'true' });
  }

  /** New rows or columns: the header when its columns changed, and the rows in view that changed. */
  update(view: CompareViewModel, rows: CompareRow[], columns: TableColumn[], selected: ReadonlySet<string>): void {
    const headChanged = columns.map((c) => c.key).join('\n') !== this.columns.map((c) => c.key).join('\n');
    // Equal-key columns read the shared values: new ones redraw every row, as new columns do.
    const configSignature = JSON.stringify(view.configKeys);
    if (headChanged || configSignature !== this.configSignature) this.drawn.clear();
    this.configSignature = configSignature;
    this.view = view;
    this.rows = rows;
    this.columns = columns;
    this.selected = selected;
    const height = Math.min(rows.length, VIEW_ROWS) * ROW_HEIGHT + ROW_HEIGHT + 40;
    this.viewportHeight = height;
    const px = `${height}px`;
    if (this.element.style.height !== px) this.element.style.height = px;
    if (headChanged || this.head.childElementCount === 0) this.renderHead();
    else this.updateSortMarks();
    this.table.dataset.rows = String(rows.length);
    this.first = -1;
    this.renderWindow();
  }

  private renderHead(): void {
    clear(this.head);
    this.sortMarks = '';
    const tr = h(
      'tr',
      {},
      h('th', { class: 'select', scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Selected')),
    );
    for (const column of this.columns) {
      const button = h(
        'button',
        { class: 'sort', type: 'button', title: column.description, 'data-sort': column.key },
        column.label,
      );
      button.addEventListener('click', () => {
        const sort = this.host.sort();
        const descending =
          sort?.column === column.key ? !sort.descending : column.metric ? column.metric.better !== 'min' : false;
        this.host.setSort(column.key, descending);
      });
      tr.append(
        h(
          'th',
          { scope: 'col', 'data-column': column.key, class: column.role ? `config ${column.role}` : undefined },
          button,
        ),
      );
    }
    this.head.append(tr);
    this.updateSortMarks();
  }

  private updateSortMarks(): void {
    const sort = this.host.sort();
    const marks = JSON.stringify(sort ?? null);
    if (marks === this.sortMarks) return;
    this.sortMarks = marks;
    this.head.querySelectorAll('th[data-column]').forEach((th) => {
      const key = (th as HTMLElement).dataset.column;
      th.setAttribute(
        'aria-sort',
        sort && sort.column === key ? (sort.descending ? 'descending' : 'ascending') : 'none',
      );
    });
  }

  /**
   * Puts the rows of the window in the body: kept elements stay (moved only when the order changed),
   * changed rows are drawn again, rows that left the window are removed.
   */
  private renderWindow(): void {
    const top = this.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + this.viewportHeight) / ROW_HEIGHT) + OVERSCAN);
    if (first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    const wanted: HTMLTableRowElement[] = [];
    const setHeight = (tr: HTMLTableRowElement, rows: number) => {
      const px = `${rows * ROW_HEIGHT}px`;
      if (tr.style.height !== px) tr.style.height = px;
    };
    if (first > 0) {
      setHeight(this.topSpacer, first);
      wanted.push(this.topSpacer);
    }
    const drawn = new Map<string, { row: CompareRow; selected: boolean; tr: HTMLTableRowElement }>();
    for (let i = first; i < last; i++) {
      const row = this.rows[i];
      if (!row) continue;
      const selected = this.selected.has(row.id);
      const old = this.drawn.get(row.id);
      const entry =
        old && old.row === row && old.selected === selected
          ? old
          : { row, selected, tr: this.renderRow(row, selected) };
      drawn.set(row.id, entry);
      wanted.push(entry.tr);
    }
    this.drawn = drawn;
    if (last < this.rows.length) {
      setHeight(this.bottomSpacer, this.rows.length - last);
      wanted.push(this.bottomSpacer);
    }
    if (this.rows.length === 0) {
      this.empty.firstElementChild?.setAttribute('colspan', String(this.columns.length + 1));
      wanted.push(this.empty);
    }
    // Reconcile in order: untouched rows are not moved, so the browser restyles only what changed.
    let at: ChildNode | null = this.body.firstChild;
    for (const tr of wanted) {
      if (at === tr) at = at.nextSibling;
      else this.body.insertBefore(tr, at);
    }
    while (at) {
      const next: ChildNode | null = at.nextSibling;
      at.remove();
      at = next;
    }
  }

  private renderRow(row: CompareRow, selected: boolean): HTMLTableRowElement {
    const view = this.view;
    const tr = h('tr', { 'data-row': row.id, 'data-kind': row.kind });
    const check = h('input', {
      type: 'checkbox',
      'aria-label': `Select ${row.label}`,
      'data-select': row.id,
      checked: selected,
    });
    check.addEventListener('change', () => this.host.toggleSelected(row.id, check.checked));
    tr.append(h('td', { class: 'select' }, check));
    for (const column of this.columns) {
      const td = h('td', { 'data-column': column.key });
      if (column.kind === 'label') {
        const runDir = row.runDirs[0];
        const open = h(
          'button',
          { class: 'link open-run', type: 'button', title: 'Open in the experiment panel' },
          row.label,
        );
        if (runDir) open.addEventListener('click', () => this.host.openRun(runDir));
        td.append(open);
        if (row.kind === 'group') td.append(h('span', { class: 'muted n' }, ` n=${row.runDirs.length}`));
        if (row.kind === 'run' && runDir) {
          for (const field of ['name', 'note'] as const) {
            const b = h(
              'button',
              {
                class: 'icon',
                type: 'button',
                'data-edit': field,
                title: field === 'name' ? 'Rename run' : row.run?.note ? `Note: ${row.run.note}` : 'Add a note',
                'aria-label': field === 'name' ? 'Rename run' : 'Edit note',
              },
              field === 'name' ? '✎' : row.run?.note ? '¶' : '+¶',
            );
            b.addEventListener('click', () => this.host.editMeta(runDir, field));
            td.append(b);
          }
        }
        if (row.run?.note) td.title = row.run.note;
      } else if (column.kind === 'status') {
        const p = row.run?.progress;
        td.append(h('span', { class: 'run-status', 'data-status': row.status }, row.status));
        if (p) td.append(h('span', { class: 'muted progress' }, ` ${p.stage} ${p.epoch}/${p.epochs}`));
      } else if (column.kind === 'config') {
        td.className = `config ${column.role ?? ''}`;
        const v = view ? configValue(row, column, view.configKeys.equal) : undefined;
        if (typeof v === 'number') td.dataset.value = String(v);
        td.append(view ? cellText(row, column, view) : '');
      } else {
        const cell = row.cells[column.key];
        if (cell) {
          td.dataset.value = String(cell.value);
          if (cell.std !== undefined) td.dataset.std = String(cell.std);
          td.dataset.n = String(cell.n);
          if (cell.ci95) {
            td.dataset.ciLo = String(cell.ci95[0]);
            td.dataset.ciHi = String(cell.ci95[1]);
          }
        }
        const kind = column.metric?.kind ?? 'number';
        const main = view ? (cellText(row, { ...column, key: column.key }, view).split(', 95% CI')[0] ?? '') : '';
        td.append(main);
        const ci = formatCi(kind, cell);
        if (ci) {
          td.append(h('span', { class: 'ci' }, ` ${ci.replace('95% CI ', '[')}]`));
          td.title = `${ci}${cell?.excludesZero ? ': excludes 0' : ': includes 0'}`;
        }
        if (cell?.excludesZero) {
          td.classList.add('significant');
          td.setAttribute('aria-label', `${main}, ${ci ?? ''}, excludes zero`);
        }
      }
      tr.append(td);
    }
    return tr;
  }
}
