// The one formatter of numbers and units: the CLI, the extension's texts and the webviews all show a
// figure through these functions, so a KD gain or an accuracy reads the same everywhere.

export const DASH = '—';

function missing(x: number | null | undefined): x is null | undefined {
  return x === undefined || x === null || !Number.isFinite(x);
}

/** 1234 → "1.23k", 2_400_000 → "2.40M". */
export function formatCount(n: number | null | undefined): string {
  if (missing(n)) return DASH;
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
export function formatExact(n: number | null | undefined): string {
  if (missing(n)) return DASH;
  return Math.round(n).toLocaleString('en-US');
}

/** 1536 → "1.50 KiB". */
export function formatBytes(n: number | null | undefined): string {
  if (missing(n)) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toPrecision(3)} ${units[unit]}`;
}

/** A fraction as a percentage: 0.98123 → "98.12%" (one digit where space is short: "98.1%"). */
export function formatPercent(x: number | null | undefined, digits = 2): string {
  if (missing(x)) return DASH;
  return `${(x * 100).toFixed(digits)}%`;
}

/**
 * A difference of accuracies (the KD gain) in percentage points: 0.0051 → "+0.51 pts",
 * −0.002 → "−0.20 pts". A difference that rounds to zero has no sign, so "+0.00" never suggests an
 * effect.
 */
export function formatPoints(x: number | null | undefined): string {
  if (missing(x)) return DASH;
  const fixed = Math.abs(x * 100).toFixed(2);
  if (Number(fixed) === 0) return `${fixed} pts`;
  return `${x > 0 ? '+' : '−'}${fixed} pts`;
}

/** A ratio (compression, speed-up): 15.43 → "15.4×". */
export function formatRatio(x: number | null | undefined): string {
  if (missing(x)) return DASH;
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
}

/** Milliseconds: 125 → "125 ms", 1.9 → "1.90 ms", 0.125 → "125 µs". */
export function formatMs(x: number | null | undefined): string {
  if (missing(x)) return DASH;
  return x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(2)} ms` : `${(x * 1000).toFixed(0)} µs`;
}

/** A loss or a divergence: four significant digits, exponent notation when very large or small. */
export function formatNumber(x: number | null | undefined, digits = 4): string {
  if (missing(x)) return DASH;
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0)
    ? x.toExponential(2)
    : String(Number(x.toPrecision(digits)));
}

/** A wall time: 12_400 → "12s", 125_000 → "2m 05s", 3_725_000 → "1h 02m". */
export function formatDuration(ms: number | null | undefined): string {
  if (missing(ms)) return DASH;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** [null, 28, 28, 16] → "28×28×16" (the batch axis left out). */
export function formatShape(shape: readonly (number | null)[]): string {
  const dims = shape[0] === null ? shape.slice(1) : shape;
  return dims.map((d) => (d === null || d < 0 ? '?' : String(d))).join('×') || 'scalar';
}
