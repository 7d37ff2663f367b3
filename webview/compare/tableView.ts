// The comparison table, virtualised: only the rows in view (plus a margin) are in the DOM, so 1,000
// runs scroll smoothly and a live update redraws a screenful. Group cells read "mean ± std (n)";
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
  selected(): ReadonlySet<string>;
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

  constructor(private readonly host: TableHost) {
    this.table.append(
      h('caption', { class: 'visually-hidden' }, 'Runs or settings; groups show mean ± std over seeds'),
      this.head,
      this.body,
    );
    this.element.append(this.table);
    this.element.addEventListener('scroll', () => this.renderWindow(false), { passive: true });
  }

  /** New rows or columns: the header again, and the rows in view. */
  update(view: CompareViewModel, rows: CompareRow[], columns: TableColumn[]): void {
    const headChanged = columns.map((c) => c.key).join('\n') !== this.columns.map((c) => c.key).join('\n');
    this.view = view;
    this.rows = rows;
    this.columns = columns;
    this.element.style.height = `${Math.min(rows.length, VIEW_ROWS) * ROW_HEIGHT + ROW_HEIGHT + 40}px`;
    if (headChanged || this.head.childElementCount === 0) this.renderHead();
    else this.updateSortMarks();
    this.table.dataset.rows = String(rows.length);
    this.renderWindow(true);
  }

  private renderHead(): void {
    clear(this.head);
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
    this.head.querySelectorAll('th[data-column]').forEach((th) => {
      const key = (th as HTMLElement).dataset.column;
      th.setAttribute(
        'aria-sort',
        sort && sort.column === key ? (sort.descending ? 'descending' : 'ascending') : 'none',
      );
    });
  }

  private renderWindow(force: boolean): void {
    const top = this.element.scrollTop;
    const height = this.element.clientHeight || VIEW_ROWS * ROW_HEIGHT;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    if (!force && first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    clear(this.body);
    const spacer = (rows: number) => {
      const tr = h('tr', { class: 'spacer', 'aria-hidden': 'true' });
      tr.style.height = `${rows * ROW_HEIGHT}px`;
      return tr;
    };
    if (first > 0) this.body.append(spacer(first));
    for (let i = first; i < last; i++) {
      const row = this.rows[i];
      if (row) this.body.append(this.renderRow(row));
    }
    if (last < this.rows.length) this.body.append(spacer(this.rows.length - last));
    if (this.rows.length === 0)
      this.body.append(
        h('tr', {}, h('td', { colspan: this.columns.length + 1, class: 'empty' }, 'No run matches the filters.')),
      );
  }

  private renderRow(row: CompareRow): HTMLTableRowElement {
    const view = this.view;
    const tr = h('tr', { 'data-row': row.id, 'data-kind': row.kind });
    const check = h('input', {
      type: 'checkbox',
      'aria-label': `Select ${row.label}`,
      'data-select': row.id,
      checked: this.host.selected().has(row.id),
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
