// Two runs' resolved configs side by side, every key with the differences marked (changed, only in
// one run); equal keys can be hidden.
import type { CompareDiffView } from '../../src/protocol/webview';
import { formatConfigValue } from '../../src/shared/compare/cells';
import { diffConfigs } from '../../src/shared/compare/config';
import { clear, h } from '../shared/dom';

export class DiffView {
  readonly element = h('div', { class: 'diff', 'data-view': 'diff' });

  render(diff: CompareDiffView | undefined, onlyDifferences: boolean): void {
    clear(this.element);
    if (!diff) {
      this.element.append(
        h('p', { class: 'muted' }, 'Tick two runs in the table (or pick them above) to compare their configs.'),
      );
      return;
    }
    const rows = diffConfigs(diff.a.config, diff.b.config);
    const changed = rows.filter((r) => r.change !== 'same').length;
    const body = h('tbody');
    for (const row of rows) {
      if (onlyDifferences && row.change === 'same') continue;
      body.append(
        h(
          'tr',
          { 'data-key': row.key, 'data-change': row.change, class: row.change === 'same' ? undefined : 'changed' },
          h('th', { scope: 'row' }, row.key),
          h('td', {}, row.change === 'added' ? '' : formatConfigValue(row.a)),
          h('td', {}, row.change === 'removed' ? '' : formatConfigValue(row.b)),
        ),
      );
    }
    this.element.append(
      h('p', { class: 'muted' }, `${changed} of ${rows.length} keys differ.`),
      h(
        'table',
        { class: 'data diff-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'key'),
            h('th', { scope: 'col' }, diff.a.label),
            h('th', { scope: 'col' }, diff.b.label),
          ),
        ),
        body,
      ),
    );
  }
}
