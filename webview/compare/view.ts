// The comparison view: a toolbar (group by seed, filters, columns, exports), the virtualised table,
// the trade-off chart with its Pareto front, parallel coordinates whose brushing filters the rows,
// curves by epoch and the config diff of two runs. It renders view models the host pushes; every
// derived figure comes from the pure functions of src/shared/compare. A live update is patched in:
// rows keep their identity unless their data changed (RowCache), and each part redraws only what
// its inputs' identities say changed; layout is never read between writes (the width comes from a
// ResizeObserver, the theme is read once per theme change).
import type { RunStatus } from '../../src/protocol/events';
import type {
  CompareDiffView,
  CompareViewModel,
  CompareWebviewState,
  CostAxis,
  ExportFormat,
} from '../../src/protocol/webview';
import { tableColumns, type TableColumn } from '../../src/shared/compare/columns';
import { curveMetrics, groupCurve, runCurve, type CurveLine } from '../../src/shared/compare/curves';
import { markdownReport, tableCsv } from '../../src/shared/compare/exports';
import { DEFAULT_METRIC_COLUMNS, METRICS } from '../../src/shared/compare/metrics';
import { insideBrush, parallelAxes, type ParallelAxis } from '../../src/shared/compare/parallel';
import { RowCache } from '../../src/shared/compare/rowCache';
import { runLabel, type CompareRow } from '../../src/shared/compare/rows';
import {
  COST_LABEL,
  rowScatterPoints,
  scatterFront,
  uniquePoints,
  type ScatterPoint,
} from '../../src/shared/compare/scatter';
import { filterRows, sortRows } from '../../src/shared/compare/table';
import { blobToBase64 } from '../shared/bytes';
import { clear, h } from '../shared/dom';
import { chartTheme } from '../shared/theme';
import { CurvesView, curveMetricLabel } from './curvesView';
import { DiffView } from './diffView';
import { ParallelView, type Brush } from './parallelView';
import { ScatterView } from './scatterView';
import { svgText, svgToPng } from './svgChart';
import { TableView } from './tableView';

type UiState = Omit<CompareWebviewState, 'runDirs' | 'source'>;

export interface CompareHost {
  state(): UiState;
  setState(patch: Partial<UiState>): void;
  openRun(runDir: string): void;
  editMeta(runDir: string, field: 'name' | 'note'): void;
  requestDiff(a: string, b: string): void;
  exportFile(format: ExportFormat, fileName: string, data: string): void;
}

const STATUSES: RunStatus[] = ['done', 'running', 'failed', 'stopped'];
const DEFAULT_PARALLEL_METRICS = ['student.best.test', 'kdGain', 'params'];
const MAX_DEFAULT_CURVES = 8;

/** A number per object, so a signature can say "the same objects" without serialising them. */
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
function idOf(o: object | undefined): number {
  if (!o) return 0;
  let id = objectIds.get(o);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(o, id);
  }
  return id;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function select(label: string, name: string, options: [string, string][], value: string): HTMLSelectElement {
  const el = h('select', { 'aria-label': label, 'data-control': name });
  for (const [v, text] of options) el.append(h('option', { value: v, selected: v === value }, text));
  return el;
}

/**
 * A select over many options (every run) that holds only its current choice until the user reaches
 * for it: a thousand option elements per picker would be most of a first render.
 */
function lazySelect(label: string, name: string, options: () => [string, string][], value: string): HTMLSelectElement {
  const all = options();
  const current = all.find(([v]) => v === value);
  const el = select(label, name, [['', 'Choose a run…'], ...(current ? [current] : [])], current ? value : '');
  let filled = false;
  const fill = () => {
    if (filled) return;
    filled = true;
    const chosen = el.value;
    el.replaceChildren(
      h('option', { value: '', selected: chosen === '' }, 'Choose a run…'),
      ...all.map(([v, text]) => h('option', { value: v, selected: v === chosen }, text)),
    );
  };
  for (const type of ['pointerdown', 'mousedown', 'focus', 'keydown']) el.addEventListener(type, fill);
  return el;
}

function checkbox(label: string, name: string, checked: boolean): { wrap: HTMLLabelElement; input: HTMLInputElement } {
  const input = h('input', { type: 'checkbox', 'data-control': name, checked });
  return { wrap: h('label', {}, input, label), input };
}

function button(label: string, attrs: Record<string, string>, onClick: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'secondary', ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

export class CompareView {
  readonly element: HTMLElement;
  private readonly title = h('h1');
  private readonly count = h('span', { class: 'muted', 'data-count': '' });
  private readonly table: TableView;
  private readonly scatter: ScatterView;
  private readonly parallel: ParallelView;
  private readonly curves = new CurvesView();
  private readonly diffView = new DiffView();
  private readonly columnsMenu = h('div', { class: 'columns-menu' });
  private readonly scatterControls = h('div', { class: 'toolbar' });
  private readonly curveControls = h('div', { class: 'toolbar' });
  private readonly diffControls = h('div', { class: 'toolbar' });
  private readonly parallelControls = h('div', { class: 'toolbar' });
  private view: CompareViewModel = {
    title: 'Run comparison',
    runs: [],
    groups: [],
    configKeys: { differing: [], swept: [], equal: {} },
  };
  private diff?: CompareDiffView;
  private requestedDiff = '';
  /** What the last render derived, for exports and tests. */
  private rows: CompareRow[] = [];
  private shown: CompareRow[] = [];
  private columns: TableColumn[] = [];
  private axes: ParallelAxis[] = [];
  private points: ScatterPoint[] = [];
  private front: ScatterPoint[] = [];
  /** What each part was last drawn from: a live update redraws only the parts whose inputs changed. */
  private drawn = {
    scatter: '',
    parallel: '',
    curves: '',
    diff: '',
    menu: '',
    scatterControls: '',
    parallelControls: '',
  };
  private readonly rowCache = new RowCache();
  /** Each row's scatter points for the scatter options they were computed with. */
  private rowPoints = new WeakMap<CompareRow, { options: string; points: ScatterPoint[] }>();
  private axesSignature = '';
  private readonly groupInput: HTMLInputElement;
  private theme?: ReturnType<typeof chartTheme>;
  private width = 0;
  private diffRuns: CompareViewModel['runs'] = [];
  private diffNames = '';
  private diffVersion = 0;

  constructor(private readonly host: CompareHost) {
    this.table = new TableView({
      sort: () => this.host.state().sort,
      setSort: (column, descending) => {
        this.host.setState({ sort: { column, descending } });
        this.update(this.view);
      },
      toggleSelected: (id, on) => {
        const selected = new Set(this.host.state().selected ?? []);
        if (on) selected.add(id);
        else selected.delete(id);
        this.host.setState({ selected: [...selected] });
        this.update(this.view);
      },
      openRun: (runDir) => this.host.openRun(runDir),
      editMeta: (runDir, field) => this.host.editMeta(runDir, field),
    });
    this.scatter = new ScatterView((runDir) => this.host.openRun(runDir));
    this.parallel = new ParallelView((brush) => {
      this.host.setState({ brush });
      this.update(this.view);
    });
    const s = this.host.state();
    const group = checkbox('Group by seed', 'grouped', s.grouped ?? true);
    this.groupInput = group.input;
    group.input.addEventListener('change', () => {
      this.host.setState({ grouped: group.input.checked, selected: [] });
      this.update(this.view);
    });
    const text = h('input', {
      type: 'search',
      placeholder: 'Filter: name, note, config value…',
      'aria-label': 'Filter rows by text',
      'data-control': 'filter',
      value: s.filter?.text ?? '',
    });
    text.addEventListener('input', () => {
      this.host.setState({ filter: { text: text.value, statuses: this.host.state().filter?.statuses ?? [] } });
      this.update(this.view);
    });
    const statuses = h('span', { class: 'statuses', role: 'group', 'aria-label': 'Show statuses' });
    for (const status of STATUSES) {
      const c = checkbox(status, `status-${status}`, (s.filter?.statuses ?? []).includes(status));
      c.input.addEventListener('change', () => {
        const now = new Set(this.host.state().filter?.statuses ?? []);
        if (c.input.checked) now.add(status);
        else now.delete(status);
        this.host.setState({ filter: { text: text.value, statuses: STATUSES.filter((x) => now.has(x)) } });
        this.update(this.view);
      });
      statuses.append(c.wrap);
    }
    const columns = h('details', { class: 'columns' }, h('summary', {}, 'Columns'), this.columnsMenu);
    const csv = button('Export CSV', { 'data-export': 'table.csv' }, () =>
      this.host.exportFile('csv', 'comparison.csv', this.csv()),
    );
    const md = button('Markdown report', { 'data-export': 'report.md' }, () =>
      this.host.exportFile('md', 'comparison-report.md', this.markdown()),
    );
    const card = (name: string, title: string, controls: HTMLElement, ...body: HTMLElement[]) =>
      h(
        'section',
        { class: 'chart-card', 'data-card': name },
        h(
          'header',
          {},
          h('h2', {}, title),
          controls,
          button('PNG', { 'data-export': `${name}.png` }, () => void this.exportChart(name, 'png')),
          button('SVG', { 'data-export': `${name}.svg` }, () => void this.exportChart(name, 'svg')),
        ),
        ...body,
      );
    this.element = h(
      'div',
      { class: 'compare-root' },
      h('header', { class: 'compare-header' }, this.title, this.count),
      h('div', { class: 'toolbar' }, group.wrap, text, statuses, columns, csv, md),
      this.table.element,
      h(
        'div',
        { class: 'charts' },
        card(
          'scatter',
          'Accuracy against cost',
          this.scatterControls,
          this.scatter.element,
          h('h3', {}, 'Pareto front'),
          this.scatter.frontList,
        ),
        card('parallel', 'Parallel coordinates', this.parallelControls, this.parallel.element),
        card('curves', 'Curves by epoch', this.curveControls, this.curves.element),
      ),
      h(
        'section',
        { class: 'chart-card', 'data-card': 'diff' },
        h('header', {}, h('h2', {}, 'Config diff'), this.diffControls),
        this.diffView.element,
      ),
    );
    // The charts follow the view's width, measured by the browser after layout rather than read mid-update.
    new ResizeObserver((entries) => {
      const width = Math.round(entries[0]?.contentRect.width ?? 0);
      if (width > 0 && width !== this.width) {
        this.width = width;
        requestAnimationFrame(() => this.update(this.view));
      }
    }).observe(this.element);
  }

  setDiff(diff: CompareDiffView): void {
    this.diff = diff;
    this.drawn.diff = '';
    this.renderDiff();
  }

  retheme(): void {
    this.theme = undefined;
    this.drawn = {
      scatter: '',
      parallel: '',
      curves: '',
      diff: '',
      menu: '',
      scatterControls: '',
      parallelControls: '',
    };
    this.update(this.view);
  }

  update(view: CompareViewModel): void {
    // Reads first (before any write of this update): the width, once; the theme, once per theme.
    if (!this.width) this.width = this.element.clientWidth;
    this.theme ??= chartTheme();
    this.view = view;
    const s = this.host.state();
    const grouped = s.grouped ?? true;
    if (this.groupInput.checked !== grouped) this.groupInput.checked = grouped;
    if (this.title.textContent !== view.title) this.title.textContent = view.title;
    const { rows, changed: rowsChanged } = this.rowCache.rows(view, grouped);
    this.rows = rows;
    const metricCols = s.columns ?? DEFAULT_METRIC_COLUMNS;
    this.columns = tableColumns(view, { metrics: metricCols, showEqual: s.showEqualKeys ?? false, grouped });
    const axisKeys = (view.configKeys.swept.length ? view.configKeys.swept : view.configKeys.differing).filter(
      (k) => !(grouped && k === 'seed'),
    );
    const parallelMetrics = s.parallelMetrics ?? DEFAULT_PARALLEL_METRICS;
    const axesSignature = JSON.stringify([axisKeys, parallelMetrics]);
    if (rowsChanged || axesSignature !== this.axesSignature) {
      this.axes = parallelAxes(this.rows, axisKeys, parallelMetrics);
      this.axesSignature = axesSignature;
    }
    const brush = s.brush ?? {};
    const filtered = filterRows(this.rows, s.filter ?? { text: '', statuses: [] }, (r) =>
      insideBrush(r, this.axes, brush),
    );
    this.shown = s.sort ? sortRows(filtered, s.sort.column, s.sort.descending) : filtered;
    const count = `${this.shown.length} of ${this.rows.length} ${grouped ? 'rows' : 'runs'} · ${view.runs.length} runs · ${view.groups.length} groups`;
    if (this.count.textContent !== count) this.count.textContent = count;
    this.table.update(view, this.shown, this.columns, new Set(s.selected ?? []));
    const theme = this.theme;
    const width = Math.max(480, Math.min(1100, (this.width || 900) - 32));
    const look = JSON.stringify([theme, width]);
    const menu = JSON.stringify([metricCols, s.showEqualKeys, Object.keys(view.configKeys.equal).length]);
    if (this.changed('menu', menu)) this.renderColumnsMenu(metricCols, s.showEqualKeys ?? false);
    this.renderScatter(s.scatter ?? { cost: 'params', accuracy: 'best', log: true }, theme, width, look);
    const parallelSignature = JSON.stringify([this.axes, brush, look]);
    if (this.changed('parallelControls', JSON.stringify([parallelMetrics, brush]))) this.renderParallelControls(brush);
    if (rowsChanged || this.drawn.parallel !== parallelSignature) {
      this.drawn.parallel = parallelSignature;
      this.parallel.render({ rows: this.rows, axes: this.axes, brush, theme, width });
    }
    this.renderCurves(theme, width, look);
    // The diff's pickers list every run: drawn again when a run's name, the selection or the pair changed.
    if (!sameItems(this.diffRuns, view.runs)) {
      this.diffRuns = view.runs;
      const names = JSON.stringify(view.runs.map((r) => [r.runDir, r.name]));
      if (names !== this.diffNames) {
        this.diffNames = names;
        this.diffVersion++;
      }
    }
    if (this.changed('diff', JSON.stringify([this.diffVersion, s.selected, this.diff?.a.runDir, this.diff?.b.runDir])))
      this.renderDiff();
    document.body.dataset.rendered = String(view.runs.length);
  }

  /** The scatter's points, each row's computed once per row and options; the chart patched where points changed. */
  private renderScatter(
    scatter: NonNullable<UiState['scatter']>,
    theme: ReturnType<typeof chartTheme>,
    width: number,
    look: string,
  ): void {
    const options = JSON.stringify(scatter);
    let runsByDir: Map<string, CompareViewModel['runs'][number]> | undefined;
    const points = uniquePoints(
      this.shown.map((row) => {
        const cached = this.rowPoints.get(row);
        if (cached && cached.options === options) return cached.points;
        runsByDir ??= new Map(this.view.runs.map((r) => [r.runDir, r]));
        const computed = rowScatterPoints(row, runsByDir, scatter);
        this.rowPoints.set(row, { options, points: computed });
        return computed;
      }),
    );
    const pointsChanged = !sameItems(points, this.points);
    if (pointsChanged) {
      this.points = points;
      this.front = scatterFront(points);
    }
    if (this.changed('scatterControls', options)) this.renderScatterControls(scatter);
    if (pointsChanged || this.changed('scatter', JSON.stringify([options, look])))
      this.scatter.render({ points: this.points, front: this.front, ...scatter, theme, width });
  }

  /** True (and remembered) when a part's inputs differ from what it was last drawn from. */
  private changed(part: keyof CompareView['drawn'], signature: string): boolean {
    if (this.drawn[part] === signature) return false;
    this.drawn[part] = signature;
    return true;
  }

  private renderColumnsMenu(metricCols: readonly string[], showEqual: boolean): void {
    clear(this.columnsMenu);
    const equal = checkbox(
      `Show config keys equal in all runs (${Object.keys(this.view.configKeys.equal).length})`,
      'show-equal',
      showEqual,
    );
    equal.input.addEventListener('change', () => {
      this.host.setState({ showEqualKeys: equal.input.checked });
      this.update(this.view);
    });
    this.columnsMenu.append(equal.wrap);
    for (const metric of METRICS) {
      const c = checkbox(metric.label, `column-${metric.key}`, metricCols.includes(metric.key));
      c.input.title = metric.description;
      c.input.addEventListener('change', () => {
        const now = new Set(this.host.state().columns ?? DEFAULT_METRIC_COLUMNS);
        if (c.input.checked) now.add(metric.key);
        else now.delete(metric.key);
        this.host.setState({ columns: METRICS.map((m) => m.key).filter((k) => now.has(k)) });
        this.update(this.view);
      });
      this.columnsMenu.append(c.wrap);
    }
  }

  private renderScatterControls(scatter: NonNullable<UiState['scatter']>): void {
    clear(this.scatterControls);
    const cost = select(
      'Cost axis',
      'cost',
      (Object.keys(COST_LABEL) as CostAxis[]).map((k) => [k, COST_LABEL[k]]),
      scatter.cost,
    );
    const acc = select(
      'Accuracy',
      'accuracy',
      [
        ['best', 'best-validation epoch'],
        ['last', 'last epoch'],
      ],
      scatter.accuracy,
    );
    const log = checkbox('log axis', 'log', scatter.log);
    const apply = () => {
      this.host.setState({
        scatter: {
          cost: cost.value as CostAxis,
          accuracy: acc.value === 'last' ? 'last' : 'best',
          log: log.input.checked,
        },
      });
      this.update(this.view);
    };
    cost.addEventListener('change', apply);
    acc.addEventListener('change', apply);
    log.input.addEventListener('change', apply);
    this.scatterControls.append(cost, acc, log.wrap);
  }

  private renderParallelControls(brush: Brush): void {
    clear(this.parallelControls);
    const chosen = this.host.state().parallelMetrics ?? DEFAULT_PARALLEL_METRICS;
    const add = select(
      'Add a metric axis',
      'parallel-add',
      [
        ['', 'Add metric…'],
        ...METRICS.filter((m) => !chosen.includes(m.key)).map((m): [string, string] => [m.key, m.label]),
      ],
      '',
    );
    add.addEventListener('change', () => {
      if (!add.value) return;
      this.host.setState({ parallelMetrics: [...chosen, add.value] });
      this.update(this.view);
    });
    this.parallelControls.append(add);
    if (chosen.length > 0)
      this.parallelControls.append(
        button('Remove last metric', { 'data-control': 'parallel-remove' }, () => {
          this.host.setState({ parallelMetrics: chosen.slice(0, -1) });
          this.update(this.view);
        }),
      );
    if (Object.keys(brush).length > 0)
      this.parallelControls.append(
        button('Clear brushing', { 'data-control': 'clear-brush' }, () => {
          this.host.setState({ brush: {} });
          this.update(this.view);
        }),
      );
  }

  /** The selected rows, or the first rows shown when none is selected. */
  private curveRows(): CompareRow[] {
    const selected = new Set(this.host.state().selected ?? []);
    const picked = this.shown.filter((r) => selected.has(r.id));
    return picked.length ? picked : this.shown.slice(0, MAX_DEFAULT_CURVES);
  }

  private renderCurves(theme: ReturnType<typeof chartTheme>, width: number, look: string): void {
    const rows = this.curveRows();
    let runsByDir: Map<string, CompareViewModel['runs'][number]> | undefined;
    const members = (row: CompareRow) => {
      if (row.run) return [row.run];
      runsByDir ??= new Map(this.view.runs.map((r) => [r.runDir, r]));
      return row.runDirs.flatMap((d) => {
        const r = runsByDir?.get(d);
        return r ? [r] : [];
      });
    };
    // Rows and runs are replaced when their data changes: their identities stand for their curves.
    const sampled = this.view.runs.slice(0, 50);
    const signature = JSON.stringify([
      rows.map((row) => [idOf(row), row.run ? 0 : members(row).map((r) => idOf(r))]),
      sampled.map((r) => idOf(r)),
      this.host.state().curveMetric,
      look,
    ]);
    if (!this.changed('curves', signature)) return;
    const metrics = curveMetrics(rows.flatMap((r) => (r.run ? [r.run] : [])).concat(sampled));
    const metric = metrics.includes(this.host.state().curveMetric ?? '')
      ? (this.host.state().curveMetric ?? 'valAcc')
      : (metrics[0] ?? 'valAcc');
    clear(this.curveControls);
    const choose = select(
      'Curve metric',
      'curve-metric',
      metrics.map((m) => [m, curveMetricLabel(m)]),
      metric,
    );
    choose.addEventListener('change', () => {
      this.host.setState({ curveMetric: choose.value });
      this.update(this.view);
    });
    this.curveControls.append(choose);
    const lines: CurveLine[] = rows.map((row) => {
      if (row.kind === 'run' && row.run) return runCurve(row.run, metric, runLabel(row.run));
      return groupCurve(row.id, row.label, members(row), metric);
    });
    this.curves.render(lines, metric, theme, width);
  }

  private renderDiff(): void {
    clear(this.diffControls);
    const runs = this.view.runs;
    const selectedRuns = (this.host.state().selected ?? []).filter((id) => runs.some((r) => r.runDir === id));
    const options = (): [string, string][] => runs.map((r) => [r.runDir, runLabel(r)]);
    const a = lazySelect('First run', 'diff-a', options, this.diff?.a.runDir ?? selectedRuns[0] ?? '');
    const b = lazySelect('Second run', 'diff-b', options, this.diff?.b.runDir ?? selectedRuns[1] ?? '');
    const only = checkbox('only differences', 'diff-only', true);
    const go = () => {
      if (a.value && b.value) this.host.requestDiff(a.value, b.value);
    };
    a.addEventListener('change', go);
    b.addEventListener('change', go);
    only.input.addEventListener('change', () => this.diffView.render(this.diff, only.input.checked));
    this.diffControls.append(a, b, only.wrap);
    const current = this.diff;
    const wantA = selectedRuns[0];
    const wantB = selectedRuns[1];
    const want = `${wantA ?? ''}\n${wantB ?? ''}`;
    if (
      wantA &&
      wantB &&
      want !== this.requestedDiff &&
      (!current || current.a.runDir !== wantA || current.b.runDir !== wantB)
    ) {
      this.requestedDiff = want;
      this.host.requestDiff(wantA, wantB);
    }
    this.diffView.render(current, true);
  }

  private csv(): string {
    return tableCsv(this.shown, this.columns, this.view);
  }

  private markdown(): string {
    const scatter = this.host.state().scatter ?? { cost: 'params', accuracy: 'best', log: true };
    return markdownReport({
      view: this.view,
      rows: this.shown,
      columns: this.columns,
      front: this.front,
      costLabel: COST_LABEL[scatter.cost],
      costKind: scatter.cost === 'latency' ? 'ms' : scatter.cost === 'bytes' ? 'bytes' : 'count',
      accuracy: scatter.accuracy,
    });
  }

  private async exportChart(name: string, format: 'png' | 'svg'): Promise<void> {
    const root = name === 'scatter' ? this.scatter.root : name === 'parallel' ? this.parallel.root : this.curves.root;
    if (!root) return;
    const file = name === 'scatter' ? 'trade-off' : name === 'parallel' ? 'parallel-coordinates' : 'curves';
    if (format === 'svg') this.host.exportFile('svg', `${file}.svg`, svgText(root));
    else this.host.exportFile('png', `${file}.png`, await blobToBase64(await svgToPng(root)));
  }
}
