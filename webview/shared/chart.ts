// A uPlot line chart for live data: keeps the full series, draws at most two points per pixel
// column of the visible range (min/max decimation, recomputed on zoom), zooms by dragging or with
// the wheel, pans with shift-drag, the middle button or the arrow keys, resets on double click or
// Home, toggles series from its legend (mouse or keyboard), and exports a PNG with title and legend.
import uPlot from 'uplot';
import { decimateMinMax } from '../../src/shared/decimate';
import type { ChartTheme } from './theme';
import { h } from './dom';

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  dash?: number[];
  width?: number;
}

/** A vertical line across the plot: an epoch boundary (faint, dashed) or a resume point (labelled). */
export interface ChartMarker {
  x: number;
  kind: 'epoch' | 'resume';
  label?: string;
}

export interface LiveChartOptions {
  /** Identifies the chart in data attributes and in the keys of hidden series. */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  height: number;
  theme: ChartTheme;
  hidden: ReadonlySet<string>;
  onToggle(key: string, visible: boolean): void;
  formatY?(value: number): string;
  /** x values are whole numbers (steps, epochs): ticks and the legend show no decimals. */
  integerX?: boolean;
  /** A logarithmic y axis (values at or below zero are left out). */
  logY?: boolean;
  /** Draw a dot at every value (few points per series, e.g. per epoch): a single value is then visible. */
  points?: boolean;
}

interface Range {
  min: number;
  max: number;
}

const ZOOM_STEP = 0.8;

export class LiveChart {
  readonly element: HTMLElement;
  private readonly plot: uPlot;
  private x: ArrayLike<number> = [];
  private ys: ArrayLike<number | null>[] = [];
  private zoom?: Range;
  private applying = false;
  private redrawQueued = false;
  private resizeObserver?: ResizeObserver;
  private rendered = 0;
  /** The plot width the last render decimated for (0 before the chart was laid out). */
  private columns = 0;
  private markers: ChartMarker[] = [];

  constructor(
    parent: HTMLElement,
    private readonly options: LiveChartOptions,
  ) {
    this.element = h('div', {
      class: 'chart',
      tabindex: 0,
      role: 'img',
      'data-chart': options.id,
      'data-scale': options.logY ? 'log' : 'linear',
      'aria-label': `${options.title} chart. Drag to zoom, shift-drag to pan, arrow keys pan, plus and minus zoom, Home resets.`,
    });
    parent.append(this.element);
    const width = Math.max(parent.clientWidth, 320);
    this.plot = new uPlot(this.plotOptions(width), [[], ...options.series.map(() => [])], this.element);
    this.makeLegendAccessible();
    this.bindPanAndWheel();
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.resizeObserver = new ResizeObserver(() => {
      const w = Math.max(this.element.clientWidth, 320);
      const resized = Math.abs(w - this.plot.width) >= 1;
      if (resized) this.plot.setSize({ width: w, height: options.height });
      // uPlot applies a new size at its next commit, and a chart drawn before it was laid out
      // guessed its width: decimate again for the real one.
      if (resized || this.plot.over.clientWidth !== this.columns) this.queueRender();
    });
    this.resizeObserver.observe(this.element);
  }

  private plotOptions(width: number): uPlot.Options {
    const { theme, series, formatY, integerX } = this.options;
    const font = `${Math.max(10, theme.fontSize - 2)}px ${theme.fontFamily}`;
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: theme.foreground,
      font,
      labelFont: font,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
    });
    return {
      width,
      height: this.options.height,
      pxAlign: 0,
      scales: { x: { time: false }, y: this.options.logY ? { distr: 3, log: 10 } : {} },
      legend: { live: true },
      cursor: {
        drag: { x: true, y: false, setScale: true },
        bind: {
          dblclick: () => () => {
            this.resetZoom();
            return null;
          },
        },
      },
      axes: [
        {
          ...axis(this.options.xLabel),
          values: integerX ? (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) : undefined,
        },
        {
          ...axis(this.options.yLabel),
          size: 60,
          values: formatY ? (_u, ticks) => ticks.map((t) => formatY(t)) : undefined,
        },
      ],
      series: [
        {
          label: this.options.xLabel,
          value: (_u, v) => (v === null || v === undefined ? '—' : integerX ? String(Math.round(v)) : String(v)),
        },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: (s.width ?? 1.5) * (theme.highContrast ? 1.5 : 1),
          dash: s.dash,
          spanGaps: false,
          points: this.options.points
            ? { show: true, size: 7 * (theme.highContrast ? 1.3 : 1), fill: s.color, stroke: s.color }
            : { show: false },
          show: !this.options.hidden.has(s.key),
          value: (_u: uPlot, v: number | null) =>
            v === null || v === undefined ? '—' : formatY ? formatY(v) : String(Number(v.toPrecision(5))),
        })),
      ],
      hooks: {
        draw: [(u) => this.drawMarkers(u)],
        setScale: [
          (u, key) => {
            if (key !== 'x' || this.applying) return;
            const min = u.scales.x.min;
            const max = u.scales.x.max;
            if (min === undefined || max === undefined || min === null || max === null) return;
            this.zoom = this.clamp({ min, max });
            this.queueRender();
          },
        ],
        setSeries: [
          (_u, index, opts) => {
            if (index === null || index === 0 || opts.show === undefined) return;
            const spec = this.options.series[index - 1];
            this.updateLegendState();
            if (spec) this.options.onToggle(spec.key, opts.show);
          },
        ],
      },
    };
  }

  /** Sets the vertical markers (epoch boundaries, resume points) and redraws. */
  setMarkers(markers: ChartMarker[]): void {
    this.markers = markers;
    this.element.dataset.epochMarkers = String(markers.filter((m) => m.kind === 'epoch').length);
    this.element.dataset.resumeMarkers = markers
      .filter((m) => m.kind === 'resume')
      .map((m) => m.x)
      .join(',');
    this.plot.redraw(false);
  }

  private drawMarkers(u: uPlot): void {
    const { theme } = this.options;
    const { min, max } = u.scales.x;
    if (this.markers.length === 0 || min === undefined || max === undefined || min === null || max === null) return;
    const ctx = u.ctx;
    const ratio = window.devicePixelRatio || 1;
    const top = u.bbox.top;
    const bottom = u.bbox.top + u.bbox.height;
    ctx.save();
    for (const marker of this.markers) {
      if (marker.x < min || marker.x > max) continue;
      const x = Math.round(u.valToPos(marker.x, 'x', true)) + 0.5;
      const resume = marker.kind === 'resume';
      ctx.strokeStyle = resume ? (theme.palette[4] ?? theme.foreground) : theme.muted;
      ctx.globalAlpha = resume ? 1 : 0.9;
      ctx.lineWidth = (resume ? 2 : 1) * ratio;
      ctx.setLineDash(resume ? [] : [4 * ratio, 4 * ratio]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      if (resume && marker.label) {
        ctx.fillStyle = theme.palette[4] ?? theme.foreground;
        ctx.font = `${Math.round((theme.fontSize - 2) * ratio)}px ${theme.fontFamily}`;
        ctx.textBaseline = 'top';
        ctx.fillText(marker.label, x + 4 * ratio, top + 4 * ratio);
      }
    }
    ctx.restore();
  }

  /** Replaces the chart's data (the full series; decimation happens here). Keeps the zoom. */
  setData(x: ArrayLike<number>, ys: ArrayLike<number | null>[]): void {
    this.x = x;
    this.ys = ys;
    this.render();
  }

  get pointCount(): number {
    return this.x.length;
  }

  get renderedPointCount(): number {
    return this.rendered;
  }

  get zoomed(): boolean {
    return this.zoom !== undefined;
  }

  private queueRender(): void {
    if (this.redrawQueued) return;
    this.redrawQueued = true;
    requestAnimationFrame(() => {
      this.redrawQueued = false;
      this.render();
    });
  }

  private render(): void {
    // One bucket per CSS pixel of the plotting area.
    this.columns = this.plot.over.clientWidth;
    const columns = Math.max(1, this.columns || Math.round(this.plot.bbox.width / (window.devicePixelRatio || 1)));
    // A log axis has no place for zero or below: those values are gaps.
    const ys = this.options.logY
      ? this.ys.map((column) => Array.from(column, (v) => (v !== null && v > 0 ? v : null)))
      : this.ys;
    const data = decimateMinMax(this.x, ys, columns, this.zoom);
    this.rendered = data.x.length;
    this.applying = true;
    try {
      this.plot.batch(() => {
        this.plot.setData([data.x, ...data.ys] as uPlot.AlignedData, this.zoom === undefined);
        if (this.zoom) this.plot.setScale('x', this.zoom);
      });
    } finally {
      this.applying = false;
    }
    this.element.dataset.points = String(this.x.length);
    this.element.dataset.renderedPoints = String(this.rendered);
    this.element.dataset.xMin = String(this.plot.scales.x.min ?? '');
    this.element.dataset.xMax = String(this.plot.scales.x.max ?? '');
  }

  private extent(): Range | undefined {
    if (this.x.length === 0) return undefined;
    return { min: this.x[0], max: this.x[this.x.length - 1] };
  }

  private clamp(range: Range): Range | undefined {
    const extent = this.extent();
    if (!extent) return undefined;
    const span = Math.min(range.max - range.min, extent.max - extent.min);
    if (span <= 0 || span >= extent.max - extent.min) return undefined;
    let min = Math.max(extent.min, range.min);
    let max = min + span;
    if (max > extent.max) {
      max = extent.max;
      min = max - span;
    }
    return { min, max };
  }

  private current(): Range | undefined {
    return this.zoom ?? this.extent();
  }

  resetZoom(): void {
    this.zoom = undefined;
    this.render();
  }

  /** Zooms around a value by a factor (< 1 zooms in). */
  zoomBy(factor: number, around?: number): void {
    const range = this.current();
    if (!range) return;
    const center = around ?? (range.min + range.max) / 2;
    this.zoom = this.clamp({
      min: center - (center - range.min) * factor,
      max: center + (range.max - center) * factor,
    });
    this.render();
  }

  /** Pans by a fraction of the visible span (negative goes left). */
  panBy(fraction: number): void {
    const range = this.zoom;
    if (!range) return;
    const shift = (range.max - range.min) * fraction;
    this.zoom = this.clamp({ min: range.min + shift, max: range.max + shift });
    this.render();
  }

  private onKey(e: KeyboardEvent): void {
    const handled = (() => {
      switch (e.key) {
        case 'ArrowLeft':
          this.panBy(-0.1);
          return true;
        case 'ArrowRight':
          this.panBy(0.1);
          return true;
        case '+':
        case '=':
          this.zoomBy(ZOOM_STEP);
          return true;
        case '-':
        case '_':
          this.zoomBy(1 / ZOOM_STEP);
          return true;
        case 'Home':
        case '0':
          this.resetZoom();
          return true;
        default:
          return false;
      }
    })();
    if (handled) e.preventDefault();
  }

  private bindPanAndWheel(): void {
    const over = this.plot.over;
    // Capture phase: a pan gesture must not also start uPlot's drag-to-zoom selection.
    this.plot.root.addEventListener(
      'mousedown',
      (e) => {
        if (!(e.shiftKey || e.button === 1) || !this.zoom || !over.contains(e.target as Node)) return;
        e.stopPropagation();
        e.preventDefault();
        const start = e.clientX;
        const range = this.zoom;
        const perPixel = (range.max - range.min) / Math.max(over.clientWidth, 1);
        const move = (m: MouseEvent) => {
          const shift = (start - m.clientX) * perPixel;
          this.zoom = this.clamp({ min: range.min + shift, max: range.max + shift });
          this.queueRender();
        };
        const up = () => {
          window.removeEventListener('mousemove', move);
          window.removeEventListener('mouseup', up);
        };
        window.addEventListener('mousemove', move);
        window.addEventListener('mouseup', up);
      },
      { capture: true },
    );
    over.addEventListener(
      'wheel',
      (e) => {
        if (this.x.length < 2) return;
        e.preventDefault();
        const at = this.plot.posToVal(e.offsetX, 'x');
        this.zoomBy(e.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, at);
      },
      { passive: false },
    );
  }

  private legendRows(): HTMLElement[] {
    return [...this.plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series')];
  }

  private makeLegendAccessible(): void {
    this.legendRows().forEach((row, i) => {
      if (i === 0) return;
      const spec = this.options.series[i - 1];
      row.tabIndex = 0;
      row.setAttribute('role', 'switch');
      row.dataset.series = spec.key;
      row.setAttribute('aria-label', `Show ${spec.label}`);
      row.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        this.plot.setSeries(i, { show: !this.plot.series[i].show });
      });
    });
    this.updateLegendState();
  }

  private updateLegendState(): void {
    this.legendRows().forEach((row, i) => {
      if (i > 0) row.setAttribute('aria-checked', String(this.plot.series[i].show !== false));
    });
  }

  /** The visible series' keys. */
  visibleSeries(): string[] {
    return this.options.series.filter((_s, i) => this.plot.series[i + 1].show !== false).map((s) => s.key);
  }

  /** The chart as a PNG: the plot with its axes, under a title, above a legend of the visible series. */
  async toPng(): Promise<Blob> {
    const { theme } = this.options;
    const source = this.plot.ctx.canvas;
    const ratio = window.devicePixelRatio || 1;
    const pad = Math.round(12 * ratio);
    const line = Math.round((theme.fontSize + 8) * ratio);
    const canvas = document.createElement('canvas');
    canvas.width = source.width + 2 * pad;
    canvas.height = source.height + 2 * line + 2 * pad;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = theme.foreground;
    ctx.textBaseline = 'middle';
    ctx.font = `600 ${Math.round(theme.fontSize * ratio)}px ${theme.fontFamily}`;
    ctx.fillText(this.options.title, pad, pad + line / 2);
    ctx.drawImage(source, pad, pad + line);
    ctx.font = `${Math.round((theme.fontSize - 1) * ratio)}px ${theme.fontFamily}`;
    let x = pad;
    const y = pad + line + source.height + line / 2;
    this.options.series.forEach((s, i) => {
      if (this.plot.series[i + 1].show === false) return;
      ctx.fillStyle = s.color;
      ctx.fillRect(x, y - 2 * ratio, 14 * ratio, 4 * ratio);
      x += 18 * ratio;
      ctx.fillStyle = theme.foreground;
      ctx.fillText(s.label, x, y);
      x += ctx.measureText(s.label).width + 16 * ratio;
    });
    return new Promise((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error('the chart could not be encoded'))),
        'image/png',
      ),
    );
  }

  destroy(): void {
    this.resizeObserver?.disconnect();
    this.plot.destroy();
    this.element.remove();
  }
}
