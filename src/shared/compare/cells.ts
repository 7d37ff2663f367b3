// How a comparison cell reads: a run's value, or a group's "mean ± std (n)", the KD gain with its
// 95% CI. One place, so the table, the tooltips and the Markdown report agree.
import type { ConfigScalar } from '../../protocol/webview';
import {
  DASH,
  formatBytes,
  formatCount,
  formatDuration,
  formatMs,
  formatNumber,
  formatPercent,
  formatPoints,
  formatRatio,
} from '../format';
import type { ValueKind } from './metrics';
import type { Cell } from './rows';

export function formatValue(kind: ValueKind, value: number | undefined): string {
  switch (kind) {
    case 'percent':
      return formatPercent(value);
    case 'points':
      return formatPoints(value);
    case 'count':
      return formatCount(value);
    case 'bytes':
      return formatBytes(value);
    case 'ms':
      return formatMs(value);
    case 'ratio':
      return formatRatio(value);
    case 'duration':
      return formatDuration(value);
    case 'number':
      return formatNumber(value);
  }
}

/** A spread in the unit of the value: percentages and points as points, others as their kind. */
function formatSpread(kind: ValueKind, std: number): string {
  if (kind === 'percent' || kind === 'points') return `${(std * 100).toFixed(2)}`;
  return formatValue(kind, std);
}

/** "97.12% ± 0.31 (n=3)" for a group, "97.12%" for a run. */
export function formatCell(kind: ValueKind, cell: Cell | undefined): string {
  if (!cell) return DASH;
  const value = formatValue(kind, cell.value);
  if (cell.std === undefined || cell.n < 2) return value;
  return `${value} ± ${formatSpread(kind, cell.std)} (n=${cell.n})`;
}

/** "95% CI +0.30 to +2.10 pts" for a cell that has one. */
export function formatCi(kind: ValueKind, cell: Cell | undefined): string | undefined {
  if (!cell?.ci95) return undefined;
  const [lo, hi] = cell.ci95;
  if (kind === 'points') return `95% CI ${formatPoints(lo).replace(' pts', '')} to ${formatPoints(hi)}`;
  return `95% CI ${formatValue(kind, lo)} to ${formatValue(kind, hi)}`;
}

export function formatConfigValue(value: ConfigScalar | undefined): string {
  if (value === undefined) return DASH;
  if (value === null) return 'null';
  return String(value);
}
