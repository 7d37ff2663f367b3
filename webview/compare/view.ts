// Renders the comparison table (sortable, best cell per metric marked) and the overlaid
// validation-accuracy curves of the runs.
import type { CompareRunView, CompareViewModel, CompareWebviewState, ExportFormat } from '../../src/protocol/webview';
import { LiveChart } from '../shared/chart';
import { toCsv } from '../shared/csv';
import { clear, h } from '../shared/dom';
import { formatPercent } from '../../src/shared/format';
import { chartTheme } from '../shared/theme';
import { blobToBase64 } from '../shared/bytes';
import { bestCells, COMPARE_COLUMNS, compareCsvRows, sortRuns } from '../../src/shared/compare/model';

export interface CompareHost {
  state(): Omit<CompareWebviewState, 'runDirs'>;
  setState(patch: Partial<Omit<CompareWebviewState, 'runDirs'>>): void;
  openRun(runDir: string): void;
  exportFile(format: ExportFormat, fileName: string, data: string): void;
}

function runLabel(run: CompareRunView): string {
  return `${run.experiment} · ${run.runId}`;
}

export class CompareView {
  readonly element: HTMLElement;
  private readonly title = h('h1');
  private readonly count = h('span', { class: 'muted' });
  private readonly tableWrap = h('div', { class: 'table-wrap' });
  private readonly chartBody = h('div', { class: 'chart-body' });
  private readonly chartCard: HTMLElement;
  private chart?: LiveChart;
  private chartSignature = '';
  private view: CompareViewModel = { title: 'Run comparison', runs: [] };

  constructor(private readonly host: CompareHost) {
    const csv = h(
      'vscode-button',
      { secondary: true, 'data-export': 'table.csv', 'aria-label': 'Export the comparison table as CSV' },
      'Export CSV',
    );
    csv.addEventListener('click', () => this.exportTable());
    const png = h(
      'vscode-button',
      { secondary: true, 'data-export': 'curves.png', 'aria-label': 'Export the validation curves as PNG' },
      'PNG',
    );
    png.addEventListener('click', () => void this.exportCurves());
    const curvesCsv = h(
      'vscode-button',
      { secondary: true, 'data-export': 'curves.csv', 'aria-label': 'Export the validation curves as CSV' },
      'CSV',
    );
    curvesCsv.addEventListener('click', () => this.host.exportFile('csv', 'validation-curves.csv', this.curvesCsv()));
    this.chartCard = h(
      'section',
      { class: 'chart-card', 'data-card': 'curves', 'aria-label': 'Validation accuracy per epoch' },
      h('header', {}, h('h3', {}, 'Validation accuracy per epoch (distilled student)'), png, curvesCsv),
      this.chartBody,
    );
    this.element = h(
      'div',
      {},
      h('header', { class: 'compare-header' }, this.title, this.count, csv),
      this.tableWrap,
      this.chartCard,
    );
  }

  update(view: CompareViewModel): void {
    this.view = view;
    this.title.textContent = view.title;
    this.count.textContent = `${view.runs.length} run${view.runs.length === 1 ? '' : 's'}`;
    this.renderTable();
    this.renderChart();
  }

  retheme(): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.chartSignature = '';
    this.renderChart();
  }

  private sorted(): CompareRunView[] {
    const sort = this.host.state().sort;
    return sort ? sortRuns(this.view.runs, sort.column, sort.descending) : this.view.runs;
  }

  private renderTable(): void {
    clear(this.tableWrap);
    if (this.view.runs.length === 0) {
      this.tableWrap.append(h('p', { class: 'empty' }, 'No runs selected.'));
      return;
    }
    const sort = this.host.state().sort;
    const best = bestCells(this.view.runs);
    const head = h('tr');
    for (const column of COMPARE_COLUMNS) {
      const ariaSort = sort?.column === column.key ? (sort.descending ? 'descending' : 'ascending') : 'none';
      const button = h(
        'button',
        { class: 'sort', type: 'button', title: column.description, 'data-sort': column.key },
        column.label,
      );
      button.addEventListener('click', () => {
        const descending =
          sort?.column === column.key ? !sort.descending : column.better !== 'min' && column.better !== undefined;
        this.host.setState({ sort: { column: column.key, descending } });
        this.renderTable();
      });
      head.append(h('th', { scope: 'col', 'aria-sort': ariaSort, 'data-column': column.key }, button));
    }
    const body = h('tbody');
    for (const run of this.sorted()) {
      const tr = h('tr', { 'data-run': run.runDir });
      for (const column of COMPARE_COLUMNS) {
        const isBest = best.get(column.key)?.has(run.runDir) ?? false;
        const value = column.value(run);
        const td = h('td', {
          'data-column': column.key,
          'data-value': typeof value === 'number' ? value : undefined,
          class: isBest ? 'best' : undefined,
        });
        if (column.key === 'experiment') {
          const open = h(
            'button',
            { class: 'open-run', type: 'button', title: 'Open in the experiment panel' },
            run.experiment,
          );
          open.addEventListener('click', () => this.host.openRun(run.runDir));
          td.append(open);
        } else if (column.key === 'status') {
          td.append(h('span', { class: 'run-status', 'data-status': run.status }, run.status));
        } else {
          td.append(column.format(run));
        }
        if (isBest) td.setAttribute('aria-label', `${column.format(run)}, best`);
        tr.append(td);
      }
      body.append(tr);
    }
    this.tableWrap.append(
      h(
        'table',
        { class: 'data compare' },
        h('caption', { class: 'visually-hidden' }, 'Runs side by side; the best value of each metric is starred'),
        h('thead', {}, head),
        body,
      ),
    );
  }

  private renderChart(): void {
    const runs = this.view.runs.filter((r) => r.valCurve.epoch.length > 0);
    this.chartCard.hidden = runs.length === 0;
    if (runs.length === 0) return;
    const signature = JSON.stringify(runs.map((r) => r.runDir));
    if (!this.chart || signature !== this.chartSignature) {
      this.chart?.destroy();
      const theme = chartTheme();
      const hidden = new Set(this.host.state().hiddenRuns ?? []);
      this.chart = new LiveChart(this.chartBody, {
        id: 'curves',
        title: 'Validation accuracy per epoch',
        xLabel: 'epoch',
        yLabel: 'validation accuracy',
        integerX: true,
        height: 300,
        theme,
        hidden,
        formatY: (v) => formatPercent(v, 1),
        series: runs.map((r, i) => ({
          key: r.runDir,
          label: runLabel(r),
          color: theme.palette[i % theme.palette.length],
          dash: i >= theme.palette.length ? [6, 4] : undefined,
        })),
        onToggle: (key, visible) => {
          const current = new Set(this.host.state().hiddenRuns ?? []);
          if (visible) current.delete(key);
          else current.add(key);
          this.host.setState({ hiddenRuns: [...current] });
        },
      });
      this.chartSignature = signature;
    }
    const epochs = [...new Set(runs.flatMap((r) => r.valCurve.epoch))].sort((a, b) => a - b);
    this.chart.setData(
      epochs,
      runs.map((r) => {
        const byEpoch = new Map(r.valCurve.epoch.map((e, i) => [e, r.valCurve.valAcc[i]]));
        return epochs.map((e) => byEpoch.get(e) ?? null);
      }),
    );
  }

  private curvesCsv(): string {
    const rows = this.view.runs.flatMap((r) =>
      r.valCurve.epoch.map((epoch, i) => [r.runDir, r.experiment, r.runId, epoch, r.valCurve.valAcc[i]]),
    );
    return toCsv(['runDir', 'experiment', 'runId', 'epoch', 'valAcc'], rows);
  }

  private exportTable(): void {
    const { header, rows } = compareCsvRows(this.sorted());
    this.host.exportFile('csv', 'run-comparison.csv', toCsv(header, rows));
  }

  private async exportCurves(): Promise<void> {
    if (!this.chart) return;
    this.host.exportFile('png', 'validation-curves.png', await blobToBase64(await this.chart.toPng()));
  }
}
