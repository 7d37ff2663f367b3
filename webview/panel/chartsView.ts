// The training charts: losses per step (one line per term plus the total, optionally EMA-smoothed,
// on a log axis when they span decades), losses and accuracy per epoch (training and validation, with
// the other stages' validation curves overlaid: the baseline beside the distilled student), and the
// learning rate, for the stage picked in the toolbar. Epoch boundaries and resume points are marked.
import type { ExportFormat, PanelUiState, PanelViewModel, StageView } from '../../src/protocol/webview';
import { LiveChart, type ChartMarker, type ChartSeries } from '../shared/chart';
import { toCsv } from '../../src/shared/csv';
import { clear, h } from '../shared/dom';
import { Smoother } from '../shared/smoother';
import { formatPercent } from '../../src/shared/format';
import { chartTheme, type ChartTheme } from '../shared/theme';
import { blobToBase64 } from '../shared/bytes';
import { defaultChartStage } from '../../src/shared/panel/model';

export interface ChartsHost {
  ui(): PanelUiState;
  setUi(patch: Partial<PanelUiState>): void;
  exportFile(format: ExportFormat, fileName: string, data: string): void;
}

export const TOTAL_SERIES = 'total';
/** Losses spanning more than this ratio (two decades) are drawn on a log axis unless the user chose. */
const LOG_SPAN = 100;

/** True when the positive values span more than two decades. */
export function spansDecades(columns: ArrayLike<number | null>[]): boolean {
  let min = Infinity;
  let max = 0;
  for (const column of columns)
    for (let i = 0; i < column.length; i++) {
      const v = column[i];
      if (v === null || !(v > 0) || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  return max > 0 && max / min > LOG_SPAN;
}

/** The step at which each epoch after the first begins. */
function epochStarts(steps: number[], epochs: number[]): ChartMarker[] {
  const markers: ChartMarker[] = [];
  for (let i = 1; i < steps.length; i++)
    if (epochs[i] !== epochs[i - 1]) markers.push({ x: steps[i], kind: 'epoch', label: `epoch ${epochs[i]}` });
  return markers;
}
/** Steps beyond which live redraws are spaced out. */
const LARGE_HISTORY = 20_000;
const LARGE_REDRAW_MS = 100;

function safeFileName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'chart';
}

interface Card {
  element: HTMLElement;
  body: HTMLElement;
  chart?: LiveChart;
  signature: string;
}

export class ChartsView {
  readonly element: HTMLElement;
  private readonly stageSelect: HTMLElement & { value: string };
  private readonly smoothing: HTMLInputElement;
  private readonly smoothingValue: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly toolbar: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly loss: Card;
  private readonly accuracy: Card;
  private readonly epochLoss: Card;
  private readonly lr: Card;
  private readonly logScale: HTMLInputElement;
  private readonly smoother = new Smoother();
  private theme: ChartTheme = chartTheme();
  private view?: PanelViewModel;
  private stageOptions = '';
  private drawn = { stage: '', steps: -1, epochs: -1, smoothing: -1, hidden: '', scale: '' };
  private lastDraw = 0;
  private trailing?: ReturnType<typeof setTimeout>;

  constructor(private readonly host: ChartsHost) {
    this.stageSelect = h('vscode-single-select', {
      'aria-label': 'Stage to chart',
      'data-control': 'stage',
    }) as unknown as HTMLElement & { value: string };
    this.stageSelect.addEventListener('change', () => {
      this.host.setUi({ chartStage: this.stageSelect.value });
      this.redraw();
    });
    const initial = host.ui().smoothing;
    this.smoothing = h('input', {
      type: 'range',
      min: 0,
      max: 0.99,
      step: 0.01,
      value: initial,
      'aria-label': 'Loss smoothing (EMA weight)',
      'data-control': 'smoothing',
    });
    this.smoothingValue = h('span', { class: 'smoothing-value', 'aria-hidden': 'true' }, initial.toFixed(2));
    this.smoothing.addEventListener('input', () => {
      const weight = Number(this.smoothing.value);
      this.smoothingValue.textContent = weight.toFixed(2);
      this.host.setUi({ smoothing: weight });
      this.redraw();
    });
    this.logScale = h('input', { type: 'checkbox', 'data-control': 'log-scale', 'aria-label': 'Log scale for losses' });
    this.logScale.addEventListener('change', () => {
      this.host.setUi({ lossScale: this.logScale.checked ? 'log' : 'linear' });
      this.redraw();
    });
    this.loss = this.card('loss', 'Loss per step', true);
    this.accuracy = this.card('accuracy', 'Accuracy per epoch', false);
    this.epochLoss = this.card('epoch-loss', 'Loss per epoch', false);
    this.lr = this.card('lr', 'Learning rate', false);
    this.grid = h(
      'div',
      { class: 'charts' },
      this.loss.element,
      this.accuracy.element,
      this.epochLoss.element,
      this.lr.element,
    );
    this.empty = h('p', { class: 'empty' }, 'Charts appear once training starts.');
    this.toolbar = h(
      'div',
      { class: 'toolbar' },
      h('label', {}, 'Stage', this.stageSelect),
      h('label', {}, 'Smoothing', this.smoothing, this.smoothingValue),
      h('label', {}, this.logScale, 'Log scale'),
    );
    this.element = h('div', {}, this.toolbar, this.empty, this.grid);
  }

  private card(id: string, title: string, wide: boolean): Card {
    const body = h('div', { class: 'chart-body' });
    const png = h(
      'vscode-button',
      { secondary: true, 'data-export': `${id}.png`, 'aria-label': `Export the ${title.toLowerCase()} chart as PNG` },
      'PNG',
    );
    const csv = h(
      'vscode-button',
      { secondary: true, 'data-export': `${id}.csv`, 'aria-label': `Export the ${title.toLowerCase()} data as CSV` },
      'CSV',
    );
    const element = h(
      'section',
      { class: wide ? 'chart-card wide' : 'chart-card', 'data-card': id, 'aria-label': title },
      h('header', {}, h('h3', {}, title), png, csv),
      body,
    );
    const card: Card = { element, body, signature: '' };
    png.addEventListener('click', () => void this.exportPng(id, card));
    csv.addEventListener('click', () => this.exportCsv(id));
    return card;
  }

  private selectedStage(view: PanelViewModel): StageView | undefined {
    const wanted = this.host.ui().chartStage;
    const stage =
      view.stages.find((s) => s.name === wanted) ?? view.stages.find((s) => s.name === defaultChartStage(view));
    return stage;
  }

  update(view: PanelViewModel): void {
    this.view = view;
    this.redraw();
  }

  /** Rebuilds the charts with the current theme's colours. */
  retheme(): void {
    this.theme = chartTheme();
    for (const card of [this.loss, this.accuracy, this.epochLoss, this.lr]) {
      card.chart?.destroy();
      card.chart = undefined;
      card.signature = '';
    }
    this.drawn.stage = '';
    this.redraw();
  }

  private redraw(): void {
    const view = this.view;
    if (!view) return;
    const stages = view.stages.filter((s) => s.loss.step.length > 0 || s.history.epoch.length > 0);
    this.empty.hidden = stages.length > 0;
    this.grid.hidden = stages.length === 0;
    this.toolbar.hidden = stages.length === 0;
    const stage = this.selectedStage(view);
    this.renderStageOptions(stages, stage);
    if (!stage || stages.length === 0) return;
    const ui = this.host.ui();
    const epochs = view.stages.reduce((n, s) => n + s.history.epoch.length, 0);
    const hidden = ui.hiddenSeries.join('|');
    const scale = `${ui.lossScale ?? 'auto'}:${(stage.resumes ?? []).length}`;
    const same =
      this.drawn.stage === stage.name &&
      this.drawn.steps === stage.loss.step.length &&
      this.drawn.epochs === epochs &&
      this.drawn.smoothing === ui.smoothing &&
      this.drawn.hidden === hidden &&
      this.drawn.scale === scale;
    if (same) return;
    // With a long history a few new steps change no pixel column: redraw at most every
    // LARGE_REDRAW_MS then, so a fast run never makes the panel drop frames.
    const onlyNewSteps =
      this.drawn.stage === stage.name &&
      this.drawn.epochs === epochs &&
      this.drawn.smoothing === ui.smoothing &&
      this.drawn.hidden === hidden &&
      this.drawn.scale === scale;
    const wait = this.lastDraw + LARGE_REDRAW_MS - performance.now();
    if (onlyNewSteps && stage.loss.step.length > LARGE_HISTORY && wait > 0) {
      this.trailing ??= setTimeout(() => {
        this.trailing = undefined;
        this.redraw();
      }, wait);
      return;
    }
    this.lastDraw = performance.now();
    this.drawn = { stage: stage.name, steps: stage.loss.step.length, epochs, smoothing: ui.smoothing, hidden, scale };
    this.drawLoss(stage, ui);
    this.drawAccuracy(view, stage);
    this.drawEpochLoss(view, stage, ui);
    this.drawLr(stage);
  }

  private renderStageOptions(stages: StageView[], selected: StageView | undefined): void {
    const key = stages.map((s) => s.name).join('|') + '#' + (selected?.name ?? '');
    if (key === this.stageOptions) return;
    this.stageOptions = key;
    clear(this.stageSelect);
    for (const s of stages)
      this.stageSelect.append(
        h('vscode-option', { value: s.name, selected: s.name === selected?.name }, `${s.name} (${s.role})`),
      );
    if (selected) this.stageSelect.value = selected.name;
  }

  private hiddenSet(chart: string): Set<string> {
    const prefix = `${chart}/`;
    return new Set(
      this.host
        .ui()
        .hiddenSeries.filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length)),
    );
  }

  private onToggle(chart: string, key: string, visible: boolean): void {
    const id = `${chart}/${key}`;
    const hidden = this.host.ui().hiddenSeries.filter((k) => k !== id);
    if (!visible) hidden.push(id);
    this.host.setUi({ hiddenSeries: hidden });
    this.drawn.hidden = hidden.join('|');
  }

  /** Creates the chart when its series changed, else returns the existing one. */
  private ensureChart(
    card: Card,
    id: string,
    signature: string,
    make: () => {
      title: string;
      xLabel: string;
      yLabel: string;
      series: ChartSeries[];
      formatY?: (v: number) => string;
      integerX?: boolean;
      height: number;
      logY?: boolean;
      points?: boolean;
    },
  ): LiveChart {
    if (card.chart && card.signature === signature) return card.chart;
    card.chart?.destroy();
    const spec = make();
    card.chart = new LiveChart(card.body, {
      id,
      ...spec,
      theme: this.theme,
      hidden: this.hiddenSet(id),
      onToggle: (key, visible) => this.onToggle(id, key, visible),
    });
    card.signature = signature;
    return card.chart;
  }

  private color(i: number): string {
    return this.theme.palette[i % this.theme.palette.length];
  }

  /** Log or linear for these loss columns: the user's choice, else log when they span decades. */
  private logFor(columns: ArrayLike<number | null>[], ui: PanelUiState): boolean {
    return ui.lossScale ? ui.lossScale === 'log' : spansDecades(columns);
  }

  private drawLoss(stage: StageView, ui: PanelUiState): void {
    const terms = stage.terms.filter((t) => stage.loss.terms[t]);
    const smoothed = ui.smoothing > 0;
    const raw = [...terms.map((t) => stage.loss.terms[t]), stage.loss.total];
    const log = this.logFor(raw, ui);
    this.logScale.checked = log;
    const chart = this.ensureChart(this.loss, 'loss', JSON.stringify([stage.name, terms, smoothed, log]), () => ({
      title: `Loss per step: ${stage.name}${smoothed ? ' (smoothed)' : ''}${log ? ' (log scale)' : ''}`,
      xLabel: 'step',
      yLabel: log ? 'weighted loss (log)' : 'weighted loss',
      integerX: true,
      height: 300,
      logY: log,
      series: [
        ...terms.map((t, i) => ({ key: t, label: t, color: this.color(i) })),
        { key: TOTAL_SERIES, label: 'total', color: this.theme.foreground, width: 2 },
      ],
    }));
    chart.setData(stage.loss.step, this.smoother.apply(stage.name, raw, ui.smoothing));
    chart.setMarkers([
      ...epochStarts(stage.loss.step, stage.loss.epoch),
      ...(stage.resumes ?? []).map((r) => ({ x: r.step, kind: 'resume' as const, label: 'resumed' })),
    ]);
  }

  /** Resume points on a per-epoch axis: the epoch the run carried on in. */
  private epochResumes(stage: StageView): ChartMarker[] {
    return (stage.resumes ?? []).map((r) => ({ x: r.epoch, kind: 'resume' as const, label: 'resumed' }));
  }

  /** Training and validation loss per epoch, with the other stages' validation loss overlaid. */
  private drawEpochLoss(view: PanelViewModel, stage: StageView, ui: PanelUiState): void {
    const others = view.stages.filter((s) => s !== stage && s.history.valLoss.some((v) => v !== null));
    const epochs = [...new Set([stage, ...others].flatMap((s) => s.history.epoch))].sort((a, b) => a - b);
    const column = (s: StageView, values: (number | null)[]) => {
      const byEpoch = new Map(s.history.epoch.map((e, i) => [e, values[i]]));
      return epochs.map((e) => byEpoch.get(e) ?? null);
    };
    const columns = [
      column(stage, stage.history.trainLoss),
      column(stage, stage.history.valLoss),
      ...others.map((s) => column(s, s.history.valLoss)),
    ];
    const log = this.logFor(columns, ui);
    const chart = this.ensureChart(
      this.epochLoss,
      'epoch-loss',
      JSON.stringify([stage.name, others.map((s) => s.name), log]),
      () => ({
        title: `Loss per epoch${log ? ' (log scale)' : ''}`,
        xLabel: 'epoch',
        yLabel: log ? 'loss (log)' : 'loss',
        integerX: true,
        height: 240,
        logY: log,
        points: true,
        series: [
          { key: `${stage.name}:train`, label: `${stage.name} training (weighted)`, color: this.color(0) },
          { key: `${stage.name}:val`, label: `${stage.name} validation`, color: this.color(1), width: 2 },
          ...others.map((s, i) => ({
            key: `${s.name}:val`,
            label: `${s.name} validation`,
            color: this.color(i + 2),
            dash: [6, 4],
          })),
        ],
      }),
    );
    chart.setData(epochs, columns);
    chart.setMarkers(this.epochResumes(stage));
  }

  private drawAccuracy(view: PanelViewModel, stage: StageView): void {
    const others = view.stages.filter((s) => s !== stage && s.history.valAcc.some((v) => v !== null));
    const chart = this.ensureChart(
      this.accuracy,
      'accuracy',
      JSON.stringify([stage.name, others.map((s) => s.name)]),
      () => ({
        title: 'Accuracy per epoch',
        xLabel: 'epoch',
        yLabel: 'accuracy',
        integerX: true,
        height: 240,
        points: true,
        formatY: (v) => formatPercent(v, 1),
        series: [
          { key: `${stage.name}:train`, label: `${stage.name} train`, color: this.color(0) },
          { key: `${stage.name}:val`, label: `${stage.name} validation`, color: this.color(1), width: 2 },
          ...others.map((s, i) => ({
            key: `${s.name}:val`,
            label: `${s.name} validation`,
            color: this.color(i + 2),
            dash: [6, 4],
          })),
        ],
      }),
    );
    const epochs = [...new Set([stage, ...others].flatMap((s) => s.history.epoch))].sort((a, b) => a - b);
    const column = (s: StageView, values: (number | null)[]) => {
      const byEpoch = new Map(s.history.epoch.map((e, i) => [e, values[i]]));
      return epochs.map((e) => byEpoch.get(e) ?? null);
    };
    chart.setData(epochs, [
      column(stage, stage.history.trainAcc),
      column(stage, stage.history.valAcc),
      ...others.map((s) => column(s, s.history.valAcc)),
    ]);
    chart.setMarkers(this.epochResumes(stage));
  }

  private drawLr(stage: StageView): void {
    const chart = this.ensureChart(this.lr, 'lr', stage.name, () => ({
      title: `Learning rate: ${stage.name}`,
      xLabel: 'step',
      yLabel: 'learning rate',
      integerX: true,
      height: 240,
      formatY: (v) => (v === 0 ? '0' : v.toExponential(1)),
      series: [{ key: 'lr', label: 'learning rate', color: this.color(2) }],
    }));
    chart.setData(stage.loss.step, [stage.loss.lr]);
  }

  /** The data behind a chart as CSV: raw values (not smoothed), one row per step or per stage and epoch. */
  csvOf(chart: string): string | undefined {
    const view = this.view;
    if (!view) return undefined;
    const stage = this.selectedStage(view);
    if (!stage) return undefined;
    if (chart === 'loss') {
      const terms = stage.terms.filter((t) => stage.loss.terms[t]);
      const rows = stage.loss.step.map((step, i) => [
        step,
        stage.loss.epoch[i],
        ...terms.map((t) => stage.loss.terms[t][i]),
        stage.loss.total[i],
        stage.loss.lr[i],
      ]);
      return toCsv(['step', 'epoch', ...terms, 'total', 'lr'], rows);
    }
    if (chart === 'lr')
      return toCsv(
        ['step', 'lr'],
        stage.loss.step.map((step, i) => [step, stage.loss.lr[i]]),
      );
    const rows = view.stages.flatMap((s) =>
      s.history.epoch.map((epoch, i) => [
        s.name,
        epoch,
        s.history.trainAcc[i],
        s.history.valAcc[i],
        s.history.trainLoss[i],
        s.history.valLoss[i],
        s.history.lr[i],
      ]),
    );
    return toCsv(['stage', 'epoch', 'trainAcc', 'valAcc', 'trainLoss', 'valLoss', 'lr'], rows);
  }

  private fileName(chart: string, extension: string): string {
    const view = this.view;
    const stage = view ? this.selectedStage(view)?.name : undefined;
    return `${safeFileName(view?.title ?? 'experiment')}${chart === 'accuracy' || !stage ? '' : `-${safeFileName(stage)}`}-${chart}.${extension}`;
  }

  private exportCsv(chart: string): void {
    const csv = this.csvOf(chart);
    if (csv !== undefined) this.host.exportFile('csv', this.fileName(chart, 'csv'), csv);
  }

  private async exportPng(chart: string, card: Card): Promise<void> {
    if (!card.chart) return;
    const blob = await card.chart.toPng();
    this.host.exportFile('png', this.fileName(chart, 'png'), await blobToBase64(blob));
  }
}
