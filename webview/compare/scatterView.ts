// The trade-off chart: student accuracy against a cost (log axis by default), distilled students as
// filled circles, baselines as hollow squares, teachers as diamonds, groups with ± std bars, the
// Pareto front as a step line with its members listed. Hover names the point; a click opens its run.
// When the axes stay as they were (a live update inside the current ranges), only the points whose
// data changed, or that joined or left the front, are drawn again; otherwise the chart is redrawn.
import type { CostAxis } from '../../src/protocol/webview';
import { formatBytes, formatCount, formatMs, formatPercent } from '../../src/shared/format';
import { COST_LABEL, type ScatterPoint } from '../../src/shared/compare/scatter';
import { clear, h, svg } from '../shared/dom';
import type { ChartTheme } from '../shared/theme';
import { chartRoot, drawAxes, extent, makeScale, plotArea, type Frame, type Scale } from './svgChart';

export function formatCost(axis: CostAxis, v: number): string {
  return axis === 'latency' ? formatMs(v) : axis === 'bytes' ? formatBytes(v) : formatCount(v);
}

function colours(theme: ChartTheme): Record<ScatterPoint['kind'], string> {
  return {
    distilled: theme.palette[0] ?? '',
    baseline: theme.palette[1] ?? '',
    teacher: theme.palette[3] ?? '',
  };
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface ScatterInput {
  points: ScatterPoint[];
  front: ScatterPoint[];
  cost: CostAxis;
  accuracy: 'best' | 'last';
  log: boolean;
  theme: ChartTheme;
  width: number;
}

export class ScatterView {
  readonly element = h('div', { class: 'chart-svg', 'data-chart': 'scatter' });
  readonly frontList = h('ol', { class: 'pareto-list', 'data-list': 'pareto' });
  private readonly tooltip = h('div', { class: 'chart-tooltip', role: 'tooltip', hidden: true });
  root?: SVGSVGElement;
  /** The drawn points by id, with the point object and front membership they were drawn from. */
  private marks = new Map<string, { point: ScatterPoint; onFront: boolean; g: SVGGElement }>();
  private layer?: SVGGElement;
  private frontPath?: SVGPathElement;
  private axesKey = '';
  private x?: Scale;
  private y?: Scale;
  private listed: ScatterPoint[] = [];

  constructor(private readonly onOpen: (runDir: string) => void) {
    this.element.append(this.tooltip);
  }

  render(input: ScatterInput): void {
    const { points, theme } = input;
    const frame: Frame = { width: input.width, height: 360, left: 64, right: 16, top: 12, bottom: 40 };
    const xs = points.flatMap((p) => [p.x - (p.xStd ?? 0), p.x + (p.xStd ?? 0)]).filter((v) => v > 0);
    const ys = points.flatMap((p) => [p.y - (p.yStd ?? 0), p.y + (p.yStd ?? 0)]);
    const xDomain = extent(xs, 0.05, input.log);
    const yDomain = extent(ys);
    const axesKey = JSON.stringify([xDomain, yDomain, input.cost, input.accuracy, input.log, input.width, theme]);
    if (this.root && axesKey === this.axesKey) this.patch(input);
    else this.redraw(input, frame, xDomain, yDomain);
    this.axesKey = axesKey;
    if (!sameList(this.listed, input.front)) this.renderFront(input.front, input.cost);
  }

  private redraw(input: ScatterInput, frame: Frame, xDomain: [number, number], yDomain: [number, number]): void {
    const { points, front, theme } = input;
    this.root?.remove();
    this.marks.clear();
    const area = plotArea(frame);
    const x = makeScale(xDomain, area.x, {
      log: input.log,
      format: (v) => formatCost(input.cost, v),
    });
    const y = makeScale(yDomain, area.y, { format: (v) => formatPercent(v, 1) });
    this.x = x;
    this.y = y;
    const root = chartRoot(frame, theme, `Student accuracy against ${COST_LABEL[input.cost]}`);
    drawAxes(root, frame, x, y, theme, {
      x: `${COST_LABEL[input.cost]}${x.log ? ' (log)' : ''}`,
      y: `test accuracy (${input.accuracy === 'best' ? 'best-validation epoch' : 'last epoch'})`,
    });
    this.frontPath = svg('path', {
      fill: 'none',
      stroke: theme.palette[2],
      'stroke-width': 2,
      'stroke-dasharray': '6 3',
    });
    root.append(this.frontPath);
    this.setFront(front);
    const onFront = new Set(front.map((p) => p.id));
    const layer = svg('g', { class: 'points' });
    for (const p of points) {
      const g = this.mark(p, onFront.has(p.id), input);
      this.marks.set(p.id, { point: p, onFront: onFront.has(p.id), g });
      layer.append(g);
    }
    this.layer = layer;
    root.append(layer);
    root.append(this.legend(frame, theme, colours(theme)));
    this.root = root;
    this.element.prepend(root);
  }

  /** Same axes: the front line again, and the marks of points that changed, came or went. */
  private patch(input: ScatterInput): void {
    const onFront = new Set(input.front.map((p) => p.id));
    this.setFront(input.front);
    const seen = new Set<string>();
    for (const p of input.points) {
      seen.add(p.id);
      const old = this.marks.get(p.id);
      const front = onFront.has(p.id);
      if (old && old.point === p && old.onFront === front) continue;
      const g = this.mark(p, front, input);
      if (old) old.g.replaceWith(g);
      else this.layer?.append(g);
      this.marks.set(p.id, { point: p, onFront: front, g });
    }
    for (const [id, mark] of this.marks)
      if (!seen.has(id)) {
        mark.g.remove();
        this.marks.delete(id);
      }
  }

  /** The Pareto front: a step line through its points, cheapest first. */
  private setFront(front: readonly ScatterPoint[]): void {
    const { x, y } = this;
    if (!this.frontPath || !x || !y) return;
    let d = '';
    front.forEach((p, i) => {
      const px = x(p.x);
      const py = y(p.y);
      d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
    });
    const ids = front.map((p) => p.id).join('\n');
    if (this.frontPath.getAttribute('d') !== d) this.frontPath.setAttribute('d', d);
    if (this.frontPath.getAttribute('data-front') !== ids) this.frontPath.setAttribute('data-front', ids);
  }

  private mark(p: ScatterPoint, onFront: boolean, input: ScatterInput): SVGGElement {
    const { x, y } = this;
    const theme = input.theme;
    if (!x || !y) throw new Error('the scatter has no scales yet');
    const px = x(p.x);
    const py = y(p.y);
    const c = colours(theme)[p.kind];
    const g = svg('g', {
      'data-point': p.id,
      'data-kind': p.kind,
      'data-front': onFront ? '1' : undefined,
    });
    if (p.yStd)
      g.append(
        svg('line', { x1: px, x2: px, y1: y(p.y - p.yStd), y2: y(p.y + p.yStd), stroke: c, 'stroke-width': 1.5 }),
      );
    if (p.xStd && x(p.x - p.xStd) > 0)
      g.append(
        svg('line', { x1: x(p.x - p.xStd), x2: x(p.x + p.xStd), y1: py, y2: py, stroke: c, 'stroke-width': 1.5 }),
      );
    if (p.kind === 'distilled')
      g.append(
        svg('circle', {
          cx: px,
          cy: py,
          r: onFront ? 5.5 : 4,
          fill: c,
          stroke: onFront ? theme.foreground : 'none',
        }),
      );
    else if (p.kind === 'baseline')
      g.append(
        svg('rect', {
          x: px - 4,
          y: py - 4,
          width: 8,
          height: 8,
          fill: theme.background,
          stroke: c,
          'stroke-width': 2,
        }),
      );
    else g.append(svg('path', { d: `M${px},${py - 6}L${px + 6},${py}L${px},${py + 6}L${px - 6},${py}Z`, fill: c }));
    g.addEventListener('mouseenter', () => this.showTip(p, px, py, input.cost));
    g.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
    g.addEventListener('click', () => this.onOpen(p.runDir));
    return g;
  }

  private legend(frame: Frame, theme: ChartTheme, colour: Record<string, string>): SVGGElement {
    const g = svg('g', { transform: `translate(${frame.left + 10} ${frame.top + 14})` });
    const items: [string, string][] = [
      ['distilled student', colour.distilled ?? ''],
      ['baseline (student alone)', colour.baseline ?? ''],
      ['teacher', colour.teacher ?? ''],
      ['Pareto front', theme.palette[2] ?? ''],
    ];
    items.forEach(([label, c], i) => {
      const yy = i * 16;
      g.append(svg('rect', { x: 0, y: yy - 5, width: 10, height: 10, fill: c }));
      const t = svg('text', { x: 16, y: yy + 4, fill: theme.foreground });
      t.textContent = label;
      g.append(t);
    });
    return g;
  }

  private showTip(p: ScatterPoint, px: number, py: number, cost: CostAxis): void {
    clear(this.tooltip);
    this.tooltip.append(
      h('strong', {}, p.label),
      h(
        'div',
        {},
        `${formatPercent(p.y)}${p.yStd ? ` ± ${(p.yStd * 100).toFixed(2)}` : ''}${p.n > 1 ? ` (n=${p.n})` : ''}`,
      ),
      h('div', {}, `${COST_LABEL[cost]}: ${formatCost(cost, p.x)}`),
      h('div', { class: 'muted' }, 'Click to open the run'),
    );
    this.tooltip.hidden = false;
    this.tooltip.style.left = `${px + 12}px`;
    this.tooltip.style.top = `${py - 8}px`;
  }

  private renderFront(front: ScatterPoint[], cost: CostAxis): void {
    this.listed = front;
    clear(this.frontList);
    for (const p of front) {
      const open = h('button', { type: 'button', class: 'link', 'data-open': p.runDir }, p.label);
      open.addEventListener('click', () => this.onOpen(p.runDir));
      this.frontList.append(
        h(
          'li',
          { 'data-point': p.id },
          open,
          ` ${p.kind === 'baseline' ? '(baseline) ' : ''}— ${formatPercent(p.y)}${p.yStd ? ` ± ${(p.yStd * 100).toFixed(2)}` : ''} at ${formatCost(cost, p.x)}`,
        ),
      );
    }
    if (front.length === 0)
      this.frontList.append(h('li', { class: 'muted' }, 'No point has both a cost and an accuracy yet.'));
  }
}
