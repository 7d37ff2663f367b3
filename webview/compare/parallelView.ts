// Parallel coordinates of the swept (or differing) config values and chosen metrics, one line per
// row. Dragging along an axis brushes a range; the table and the other charts then keep only the
// rows inside every brushed range. A click on an axis without dragging clears its brush. While the
// axes, their ranges and the brush stay the same (a live update), only the lines of rows that
// changed, came or went are drawn again.
import { formatConfigValue } from '../../src/shared/compare/cells';
import { METRIC_BY_KEY } from '../../src/shared/compare/metrics';
import { axisValue, insideBrush, type ParallelAxis } from '../../src/shared/compare/parallel';
import type { CompareRow } from '../../src/shared/compare/rows';
import { formatValue } from '../../src/shared/compare/cells';
import { h, svg } from '../shared/dom';
import type { ChartTheme } from '../shared/theme';
import { chartRoot, type Frame } from './svgChart';

export type Brush = Record<string, [number, number]>;

export interface ParallelInput {
  rows: CompareRow[];
  axes: ParallelAxis[];
  brush: Brush;
  theme: ChartTheme;
  width: number;
}

const TOP = 36;
const BOTTOM = 24;
const HEIGHT = 320;

function tickLabel(axis: ParallelAxis, v: number): string {
  if (axis.kind === 'ordinal') return axis.categories?.[Math.round(v)] ?? '';
  const metric = METRIC_BY_KEY.get(axis.key);
  return metric ? formatValue(metric.kind, v) : formatConfigValue(Number(v.toPrecision(4)));
}

export class ParallelView {
  readonly element = h('div', { class: 'chart-svg', 'data-chart': 'parallel' });
  root?: SVGSVGElement;
  private lines?: SVGGElement;
  private drawnKey = '';
  /** The drawn lines by row id, with the row they were drawn from. */
  private paths = new Map<string, { row: CompareRow; path: SVGPathElement }>();
  private line?: (row: CompareRow) => SVGPathElement;

  constructor(private readonly onBrush: (brush: Brush) => void) {}

  render(input: ParallelInput): void {
    const key = JSON.stringify([input.axes, input.brush, input.theme, input.width]);
    if (this.root && this.line && this.lines && key === this.drawnKey) this.patch(input.rows);
    else this.redraw(input);
    this.drawnKey = key;
  }

  private patch(rows: readonly CompareRow[]): void {
    const seen = new Set<string>();
    let previous: SVGPathElement | undefined;
    for (const row of rows) {
      seen.add(row.id);
      const old = this.paths.get(row.id);
      if (old && old.row === row) {
        previous = old.path;
        continue;
      }
      const path = this.line?.(row);
      if (!path) continue;
      if (old) old.path.replaceWith(path);
      else if (previous) previous.after(path);
      else this.lines?.prepend(path);
      this.paths.set(row.id, { row, path });
      previous = path;
    }
    for (const [id, drawn] of this.paths)
      if (!seen.has(id)) {
        drawn.path.remove();
        this.paths.delete(id);
      }
  }

  private redraw(input: ParallelInput): void {
    const { axes, rows, brush, theme } = input;
    this.root?.remove();
    this.paths.clear();
    this.line = undefined;
    this.lines = undefined;
    const frame: Frame = { width: input.width, height: HEIGHT, left: 48, right: 48, top: TOP, bottom: BOTTOM };
    const root = chartRoot(frame, theme, 'Parallel coordinates of the swept values and metrics');
    this.root = root;
    this.element.prepend(root);
    if (axes.length < 2) {
      const t = svg('text', { x: frame.width / 2, y: HEIGHT / 2, 'text-anchor': 'middle', fill: theme.muted });
      t.textContent = 'Parallel coordinates need at least two axes with values.';
      root.append(t);
      return;
    }
    const step = (frame.width - frame.left - frame.right) / (axes.length - 1);
    const ax = (i: number) => frame.left + i * step;
    const y0 = HEIGHT - BOTTOM;
    const y1 = TOP;
    const pos = (axis: ParallelAxis, v: number) => {
      const [lo, hi] = axis.domain;
      return hi === lo ? (y0 + y1) / 2 : y0 + ((v - lo) / (hi - lo)) * (y1 - y0);
    };
    const inv = (axis: ParallelAxis, py: number) => {
      const [lo, hi] = axis.domain;
      return hi === lo ? lo : lo + ((py - y0) / (y1 - y0)) * (hi - lo);
    };
    const lines = svg('g', { class: 'lines', fill: 'none' });
    const line = (row: CompareRow): SVGPathElement => {
      let d = '';
      let pen = false;
      axes.forEach((axis, i) => {
        const v = axisValue(row, axis);
        if (v === undefined) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${ax(i).toFixed(1)},${pos(axis, v).toFixed(1)}`;
        pen = true;
      });
      const inside = insideBrush(row, axes, brush);
      return svg('path', {
        d,
        stroke: inside ? theme.palette[0] : theme.grid,
        'stroke-opacity': inside ? 0.7 : 0.5,
        'stroke-width': inside ? 1.5 : 1,
        'data-row': row.id,
        'data-inside': inside ? '1' : '0',
      });
    };
    for (const row of rows) {
      const path = line(row);
      this.paths.set(row.id, { row, path });
      lines.append(path);
    }
    this.line = line;
    this.lines = lines;
    root.append(lines);
    axes.forEach((axis, i) => {
      const x = ax(i);
      const g = svg('g', { 'data-axis': axis.key });
      g.append(svg('line', { x1: x, x2: x, y1: y0, y2: y1, stroke: theme.foreground }));
      const title = svg('text', { x, y: 14, 'text-anchor': 'middle', fill: theme.foreground, 'font-weight': 600 });
      title.textContent = axis.label;
      g.append(title);
      const ticks =
        axis.kind === 'ordinal'
          ? (axis.categories ?? []).map((_, k) => k)
          : [axis.domain[0], (axis.domain[0] + axis.domain[1]) / 2, axis.domain[1]];
      for (const v of ticks) {
        const t = svg('text', { x: x + 5, y: pos(axis, v) + 4, fill: theme.muted });
        t.textContent = tickLabel(axis, v);
        g.append(t);
      }
      const range = brush[axis.key];
      if (range) {
        const a = pos(axis, range[0]);
        const b = pos(axis, range[1]);
        g.append(
          svg('rect', {
            x: x - 7,
            y: Math.min(a, b),
            width: 14,
            height: Math.abs(a - b),
            fill: theme.palette[2],
            'fill-opacity': 0.35,
            stroke: theme.palette[2],
            'data-brush': axis.key,
          }),
        );
      }
      // The handle users drag along (left out of exported images).
      const hit = svg('rect', {
        x: x - 12,
        y: y1 - 4,
        width: 24,
        height: y0 - y1 + 8,
        fill: 'transparent',
        'data-ui': '1',
        'data-brush-handle': axis.key,
        cursor: 'ns-resize',
      });
      hit.addEventListener('pointerdown', (down) => {
        const box = root.getBoundingClientRect();
        const start = down.clientY - box.top;
        let range: [number, number] | undefined;
        const preview = svg('rect', {
          x: x - 7,
          width: 14,
          fill: theme.palette[2],
          'fill-opacity': 0.2,
          'data-ui': '1',
        });
        hit.setPointerCapture(down.pointerId);
        const move = (e: PointerEvent) => {
          const now = e.clientY - box.top;
          if (Math.abs(now - start) < 3) return;
          const clamp = (p: number) => Math.max(y1, Math.min(y0, p));
          const top = clamp(Math.min(start, now));
          const bottom = clamp(Math.max(start, now));
          range = [inv(axis, bottom), inv(axis, top)];
          preview.setAttribute('y', String(top));
          preview.setAttribute('height', String(bottom - top));
          if (!preview.isConnected) g.insertBefore(preview, hit);
        };
        const up = () => {
          hit.removeEventListener('pointermove', move);
          hit.removeEventListener('pointerup', up);
          if (range) this.onBrush({ ...brush, [axis.key]: range });
          else if (brush[axis.key]) {
            const rest = { ...brush };
            delete rest[axis.key];
            this.onBrush(rest);
          }
        };
        hit.addEventListener('pointermove', move);
        hit.addEventListener('pointerup', up);
      });
      g.append(hit);
      root.append(g);
    });
  }
}
