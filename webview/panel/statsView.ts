// Renders the capacity-gap table and the capacity-gap warning.
import type { PanelViewModel } from '../../src/protocol/webview';
import { clear, h } from '../shared/dom';
import { formatRatio } from '../../src/shared/format';
import { capacityGap, statsTable, type StatsTable } from '../../src/shared/panel/stats';

export class StatsView {
  readonly element: HTMLElement;
  private readonly warning: HTMLElement;
  private readonly table: HTMLElement;
  private lastKey = '';

  constructor() {
    this.warning = h('div', { class: 'capacity-warning' });
    this.table = h('div', { class: 'stats-wrap' });
    this.element = h('div', {}, this.warning, this.table);
  }

  /** Rebuilds only when what the table shows changed: models, measurements or the number of epochs seen. */
  update(view: PanelViewModel): void {
    const epochs = view.stages.reduce((n, s) => n + s.history.epoch.length, 0);
    const key = JSON.stringify([
      Object.keys(view.models),
      Object.keys(view.metrics),
      view.summary?.runId,
      view.summary?.status,
      epochs,
      view.stages.map((s) => s.name),
    ]);
    if (key === this.lastKey && this.table.firstChild) return;
    this.lastKey = key;
    this.renderWarning(view);
    this.renderTable(statsTable(view));
  }

  private renderWarning(view: PanelViewModel): void {
    clear(this.warning);
    const gap = capacityGap(view);
    if (!gap?.warn) return;
    this.warning.append(
      h(
        'div',
        { class: 'notice warning', role: 'note', 'data-capacity-warning': gap.ratio.toFixed(2) },
        h(
          'span',
          {},
          h(
            'strong',
            {},
            `Large capacity gap: the ${gap.teacher} has ${formatRatio(gap.ratio)} the parameters of the ${gap.student}. `,
          ),
          'A student far smaller than its teacher often learns less from it than from a mid-sized teacher ',
          '(Mirzadeh et al., “Improved Knowledge Distillation via Teacher Assistant”, AAAI 2020). ',
          'Consider bridging the gap with ',
          h('code', {}, '"scheme": "assistant"'),
          ' and one or more ',
          h('code', {}, '"assistants"'),
          ' in ',
          h('code', {}, '"distill"'),
          '.',
        ),
      ),
    );
  }

  private renderTable(table: StatsTable): void {
    clear(this.table);
    if (table.columns.length === 0) {
      this.table.append(h('p', { class: 'empty' }, 'No model summary yet.'));
      return;
    }
    const head = h('tr', {}, h('th', { scope: 'col' }, 'Measure'));
    for (const column of table.columns) {
      head.append(
        h(
          'th',
          { scope: 'col', 'data-stage': column.key, 'data-product': column.isProduct || undefined },
          column.label,
        ),
      );
    }
    const body = h('tbody');
    for (const row of table.rows) {
      const tr = h('tr', { 'data-row': row.key }, h('th', { scope: 'row', title: row.description }, row.label));
      row.cells.forEach((cell, i) => {
        const column = table.columns[i];
        tr.append(
          h(
            'td',
            {
              'data-stage': column.key,
              'data-value': cell.value,
              'data-product': column.isProduct || undefined,
              title: cell.title,
              class: cell.value === undefined && cell.text !== '' ? 'pending' : undefined,
            },
            cell.text,
          ),
        );
      });
      body.append(tr);
    }
    this.table.append(
      h(
        'table',
        { class: 'data stats' },
        h('caption', { class: 'visually-hidden' }, 'Capacity-gap statistics per model'),
        h('thead', {}, head),
        body,
      ),
    );
  }
}
