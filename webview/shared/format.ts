// Number formatting for tables, diagrams and tooltips.

export const DASH = '—';

/** 1234 → "1.23k", 2_400_000 → "2.40M". */
export function formatCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return DASH;
  const abs = Math.abs(n);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) if (abs >= size) return `${(n / size).toPrecision(3)}${suffix}`;
  return String(Math.round(n));
}

/** Exact count with thousands separators, for tooltips and aria labels. */
export function formatExact(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return DASH;
  return Math.round(n).toLocaleString('en-US');
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toPrecision(3)} ${units[unit]}`;
}

/** A fraction as a percentage: 0.98123 → "98.12%". */
export function formatPercent(x: number | null | undefined, digits = 2): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return DASH;
  return `${(x * 100).toFixed(digits)}%`;
}

/** A difference of fractions in percentage points: 0.0051 → "+0.51 pp". */
export function formatPoints(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return DASH;
  const sign = x > 0 ? '+' : x < 0 ? '−' : '±';
  return `${sign}${Math.abs(x * 100).toFixed(2)} pp`;
}

export function formatRatio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return DASH;
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
}

export function formatMs(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return DASH;
  return x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(2)} ms` : `${(x * 1000).toFixed(0)} µs`;
}

export function formatNumber(x: number | null | undefined, digits = 4): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return DASH;
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0)
    ? x.toExponential(2)
    : String(Number(x.toPrecision(digits)));
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return DASH;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** [null, 28, 28, 16] → "28×28×16" (the batch axis left out). */
export function formatShape(shape: (number | null)[]): string {
  const dims = shape[0] === null ? shape.slice(1) : shape;
  return dims.map((d) => (d === null || d < 0 ? '?' : String(d))).join('×') || 'scalar';
}
