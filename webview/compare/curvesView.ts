// Curves overlaid by epoch for the chosen rows: a run's curve, or a group's mean line with a ± std
// band. The metric is picked above the chart (validation accuracy, a loss term, the total loss).
import type { CurveLine } from '../../src/shared/compare/curves';
import { formatNumber, formatPercent } from '../../src/shared/format';
import { h, svg } from '../shared/dom';
import type { ChartTheme } from '../shared/theme';
import { chartRoot, drawAxes, extent, makeScale, plotArea, type Frame } from './svgChart';

export function curveMetricLabel(metric: string): string {
  const named: Record<string, string> = {
    valAcc: 'validation accuracy',
    trainAcc: 'training accuracy',
    trainLoss: 'total training loss',
    valLoss: 'validation loss',
  };
  return named[metric] ?? (metric.startsWith('loss:') ? `loss term ${metric.slice(5)}` : metric);
}

export class CurvesView {
  readonly element = h('div', { class: 'chart-svg', 'data-chart': 'curves' });
  root?: SVGSVGElement;

  render(lines: CurveLine[], metric: string, theme: ChartTheme, width: number): void {
    this.root?.remove();
    const frame: Frame = { width, height: 300, left: 64, right: 16, top: 12, bottom: 40 };
    const area = plotArea(frame);
    const isAcc = metric.endsWith('Acc');
    const epochs = lines.flatMap((l) => l.epoch);
    const values = lines.flatMap((l) => [...l.mean, ...(l.lower ?? []), ...(l.upper ?? [])]);
    const x = makeScale(extent(epochs, 0), area.x, { format: (v) => String(v) });
    const y = makeScale(extent(values), area.y, { format: (v) => (isAcc ? formatPercent(v, 1) : formatNumber(v, 3)) });
    const root = chartRoot(frame, theme, `${curveMetricLabel(metric)} per epoch`);
    drawAxes(root, frame, x, y, theme, { x: 'epoch', y: curveMetricLabel(metric) });
    lines.forEach((line, i) => {
      const colour = theme.palette[i % theme.palette.length] ?? theme.foreground;
      const g = svg('g', { 'data-line': line.id, 'data-label': line.label });
      if (line.lower && line.upper && line.epoch.length > 0) {
        const upper = line.epoch.map((e, k) => `${x(e)},${y(line.upper?.[k] ?? 0)}`);
        const lower = line.epoch.map((e, k) => `${x(e)},${y(line.lower?.[k] ?? 0)}`).reverse();
        g.append(
          svg('path', {
            d: `M${upper.join('L')}L${lower.join('L')}Z`,
            fill: colour,
            'fill-opacity': 0.18,
            'data-band': '1',
          }),
        );
      }
      if (line.epoch.length > 0)
        g.append(
          svg('path', {
            d: `M${line.epoch.map((e, k) => `${x(e)},${y(line.mean[k] ?? 0)}`).join('L')}`,
            fill: 'none',
            stroke: colour,
            'stroke-width': 2,
            'stroke-dasharray': i >= theme.palette.length ? '6 4' : undefined,
          }),
        );
      root.append(g);
    });
    // Legend under the plot title area.
    const legend = svg('g', { transform: `translate(${frame.left + 10} ${frame.top + 14})` });
    lines.slice(0, 12).forEach((line, i) => {
      const colour = theme.palette[i % theme.palette.length] ?? theme.foreground;
      legend.append(svg('rect', { x: 0, y: i * 15 - 5, width: 10, height: 10, fill: colour }));
      const t = svg('text', { x: 16, y: i * 15 + 4, fill: theme.foreground });
      t.textContent = `${line.label}${line.lower ? ` (mean ± std, n=${Math.max(...line.n)})` : ''}`;
      legend.append(t);
    });
    root.append(legend);
    this.root = root;
    this.element.prepend(root);
  }
}
