// A small SVG chart kit for the comparison's charts: linear and log scales with readable ticks,
// axes, and export as a standalone SVG (colours resolved from the theme, so the file looks the same
// outside VS Code) or as a PNG drawn from that SVG.
import { svg } from '../shared/dom';
import type { ChartTheme } from '../shared/theme';

export interface Scale {
  (v: number): number;
  ticks: number[];
  format(v: number): string;
  log: boolean;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f >= 5 ? 10 : f >= 2 ? 5 : f >= 1 ? 2 : 1) * power;
}

/** Maps [lo, hi] to [a, b]; a log scale when asked and the domain is positive. */
export function makeScale(
  domain: [number, number],
  range: [number, number],
  options: { log?: boolean; format?: (v: number) => string; ticks?: number } = {},
): Scale {
  let [lo, hi] = domain;
  const log = Boolean(options.log) && lo > 0 && hi > 0;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (lo === hi) {
    const pad = log ? lo * 0.5 : Math.abs(lo) * 0.05 || 0.5;
    lo -= pad;
    hi += log ? pad * 2 : pad;
  }
  const [a, b] = range;
  const t = log ? Math.log10 : (v: number) => v;
  const tl = t(lo);
  const th = t(hi);
  const scale = ((v: number) => a + ((t(v) - tl) / (th - tl || 1)) * (b - a)) as Scale;
  const count = options.ticks ?? 5;
  if (log) {
    const ticks: number[] = [];
    for (let e = Math.floor(tl); e <= Math.ceil(th); e++) for (const m of [1, 2, 5]) ticks.push(m * 10 ** e);
    let inside = ticks.filter((v) => v >= lo && v <= hi);
    if (inside.length > 8) inside = inside.filter((v) => Math.abs(Math.log10(v) % 1) < 1e-9);
    scale.ticks = inside.length ? inside : [lo, hi];
  } else {
    const step = niceStep(hi - lo, count);
    const ticks: number[] = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
    scale.ticks = ticks;
  }
  scale.format = options.format ?? ((v) => String(Number(v.toPrecision(3))));
  scale.log = log;
  return scale;
}

/** Padded extent of values. */
export function extent(values: number[], pad = 0.05, log = false): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (log) return [lo / (1 + pad * 4), hi * (1 + pad * 4)];
  const span = hi - lo || Math.abs(hi) || 1;
  lo -= span * pad;
  hi += span * pad;
  return [lo, hi];
}

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function plotArea(frame: Frame): { x: [number, number]; y: [number, number] } {
  return { x: [frame.left, frame.width - frame.right], y: [frame.height - frame.bottom, frame.top] };
}

/** A root <svg> with a background rect, fonts and colours from the theme. */
export function chartRoot(frame: Frame, theme: ChartTheme, label: string): SVGSVGElement {
  const root = svg('svg', {
    xmlns: 'http://www.w3.org/2000/svg',
    width: frame.width,
    height: frame.height,
    viewBox: `0 0 ${frame.width} ${frame.height}`,
    role: 'img',
    'aria-label': label,
    'font-family': theme.fontFamily,
    'font-size': theme.fontSize - 1,
    fill: theme.foreground,
  });
  root.append(svg('rect', { x: 0, y: 0, width: frame.width, height: frame.height, fill: theme.background }));
  return root;
}

function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): SVGTextElement {
  const t = svg('text', { x, y, ...attrs });
  t.textContent = content;
  return t;
}

/** Bottom and left axes with grid lines and titles. */
export function drawAxes(
  root: SVGSVGElement,
  frame: Frame,
  x: Scale,
  y: Scale,
  theme: ChartTheme,
  titles: { x: string; y: string },
): void {
  const area = plotArea(frame);
  const g = svg('g', { class: 'axes' });
  for (const v of x.ticks) {
    const px = x(v);
    g.append(svg('line', { x1: px, x2: px, y1: area.y[0], y2: area.y[1], stroke: theme.grid }));
    g.append(text(px, area.y[0] + 16, x.format(v), { 'text-anchor': 'middle', fill: theme.muted }));
  }
  for (const v of y.ticks) {
    const py = y(v);
    g.append(svg('line', { x1: area.x[0], x2: area.x[1], y1: py, y2: py, stroke: theme.grid }));
    g.append(text(area.x[0] - 6, py + 4, y.format(v), { 'text-anchor': 'end', fill: theme.muted }));
  }
  g.append(
    svg('rect', {
      x: area.x[0],
      y: area.y[1],
      width: area.x[1] - area.x[0],
      height: area.y[0] - area.y[1],
      fill: 'none',
      stroke: theme.grid,
    }),
  );
  g.append(text((area.x[0] + area.x[1]) / 2, frame.height - 6, titles.x, { 'text-anchor': 'middle' }));
  g.append(
    text(0, 0, titles.y, {
      'text-anchor': 'middle',
      transform: `translate(14 ${(area.y[0] + area.y[1]) / 2}) rotate(-90)`,
    }),
  );
  root.append(g);
}

/** The chart as a standalone SVG file. */
export function svgText(root: SVGSVGElement): string {
  const copy = root.cloneNode(true) as SVGSVGElement;
  copy.querySelectorAll('[data-ui]').forEach((e) => e.remove());
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/** The chart as PNG bytes: the SVG drawn on a canvas at twice its size. */
export async function svgToPng(root: SVGSVGElement): Promise<Blob> {
  const source = svgText(root);
  const image = new Image();
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the chart could not be drawn as an image'));
  });
  const bytes = new TextEncoder().encode(source);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  image.src = `data:image/svg+xml;base64,${btoa(binary)}`;
  await loaded;
  const scale = 2;
  const width = Number(root.getAttribute('width'));
  const height = Number(root.getAttribute('height'));
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context');
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}
