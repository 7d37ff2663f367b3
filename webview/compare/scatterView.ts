// The trade-off chart: student accuracy against a cost (log axis by default), distilled students as
// filled circles, baselines as hollow squares, teachers as diamonds, groups with ± std bars, the
// Pareto front as a step line with its members listed. Hover names the point; a click opens its run.
import type { CostAxis } from '../../src/protocol/webview';
import { formatBytes, formatCount, formatMs, formatPercent } from '../../src/shared/format';
import { COST_LABEL, type ScatterPoint } from '../../src/shared/compare/scatter';
import { clear, h, svg } from '../shared/dom';
import type { ChartTheme } from '../shared/theme';
import { chartRoot, drawAxes, extent, makeScale, plotArea, type Frame } from './svgChart';

export function formatCost(axis: CostAxis, v: number): string {
  return axis === 'latency' ? formatMs(v) : axis === 'bytes' ? formatBytes(v) : formatCount(v);
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

  constructor(private readonly onOpen: (runDir: string) => void) {
    this.element.append(this.tooltip);
  }

  render(input: ScatterInput): void {
    const { points, front, theme } = input;
    this.root?.remove();
    const frame: Frame = { width: input.width, height: 360, left: 64, right: 16, top: 12, bottom: 40 };
    const area = plotArea(frame);
    const xs = points.flatMap((p) => [p.x - (p.xStd ?? 0), p.x + (p.xStd ?? 0)]).filter((v) => v > 0);
    const ys = points.flatMap((p) => [p.y - (p.yStd ?? 0), p.y + (p.yStd ?? 0)]);
    const x = makeScale(extent(xs, 0.05, input.log), area.x, {
      log: input.log,
      format: (v) => formatCost(input.cost, v),
    });
    const y = makeScale(extent(ys), area.y, { format: (v) => formatPercent(v, 1) });
    const root = chartRoot(frame, theme, `Student accuracy against ${COST_LABEL[input.cost]}`);
    drawAxes(root, frame, x, y, theme, {
      x: `${COST_LABEL[input.cost]}${x.log ? ' (log)' : ''}`,
      y: `test accuracy (${input.accuracy === 'best' ? 'best-validation epoch' : 'last epoch'})`,
    });
    const colour = { distilled: theme.palette[0], baseline: theme.palette[1], teacher: theme.palette[3] };
    // The Pareto front: a step line through its points, cheapest first.
    if (front.length > 0) {
      let d = '';
      front.forEach((p, i) => {
        const px = x(p.x);
        const py = y(p.y);
        d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
      });
      root.append(
        svg('path', {
          d,
          fill: 'none',
          stroke: theme.palette[2],
          'stroke-width': 2,
          'stroke-dasharray': '6 3',
          'data-front': front.map((p) => p.id).join('\n'),
        }),
      );
    }
    const onFront = new Set(front.map((p) => p.id));
    const layer = svg('g', { class: 'points' });
    for (const p of points) {
      const px = x(p.x);
      const py = y(p.y);
      const c = colour[p.kind];
      const g = svg('g', {
        'data-point': p.id,
        'data-kind': p.kind,
        'data-front': onFront.has(p.id) ? '1' : undefined,
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
            r: onFront.has(p.id) ? 5.5 : 4,
            fill: c,
            stroke: onFront.has(p.id) ? theme.foreground : 'none',
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
      layer.append(g);
    }
    root.append(layer);
    root.append(this.legend(frame, theme, colour));
    this.root = root;
    this.element.prepend(root);
    this.renderFront(front, input.cost);
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
