// Parallel coordinates: one axis per swept (or differing) config key and per chosen metric, each
// row a line across them; brushing an axis keeps the rows whose value lies in the brushed range.
// Non-numeric values (a list of widths, an optimizer's name) sit on an ordinal axis.
import type { ConfigScalar } from '../../protocol/webview';
import { METRIC_BY_KEY } from './metrics';
import type { CompareRow } from './rows';
import { shortKey } from './rows';

export interface ParallelAxis {
  key: string;
  label: string;
  /** Numeric: [min, max]; ordinal: the categories in order, placed at 0..k-1. */
  kind: 'numeric' | 'ordinal';
  domain: [number, number];
  categories?: string[];
}

/** The axis key of a config path (`config:<path>`) or a metric (its key). */
export function configAxisKey(path: string): string {
  return `config:${path}`;
}

function rawValue(row: CompareRow, key: string): ConfigScalar | number | undefined {
  if (key.startsWith('config:')) return row.config[key.slice('config:'.length)];
  return row.cells[key]?.value;
}

/** Axes for the config keys and metrics, with domains from the rows; keys no row has a value for are left out. */
export function parallelAxes(
  rows: readonly CompareRow[],
  configKeys: readonly string[],
  metrics: readonly string[],
): ParallelAxis[] {
  const axes: ParallelAxis[] = [];
  for (const key of [...configKeys.map(configAxisKey), ...metrics]) {
    const values = rows.map((r) => rawValue(r, key)).filter((v): v is ConfigScalar => v !== undefined && v !== null);
    if (values.length === 0) continue;
    const label = key.startsWith('config:') ? shortKey(key.slice(7)) : (METRIC_BY_KEY.get(key)?.label ?? key);
    if (values.every((v) => typeof v === 'number')) {
      const nums = values as number[];
      axes.push({ key, label, kind: 'numeric', domain: [Math.min(...nums), Math.max(...nums)] });
    } else {
      const categories = [...new Set(values.map(String))].sort((a, b) =>
        a.localeCompare(b, undefined, { numeric: true }),
      );
      axes.push({ key, label, kind: 'ordinal', domain: [0, Math.max(0, categories.length - 1)], categories });
    }
  }
  return axes;
}

/** A row's position on an axis in data units (the category index on an ordinal axis). */
export function axisValue(row: CompareRow, axis: ParallelAxis): number | undefined {
  const v = rawValue(row, axis.key);
  if (v === undefined || v === null) return undefined;
  if (axis.kind === 'numeric') return typeof v === 'number' ? v : undefined;
  const at = axis.categories?.indexOf(String(v)) ?? -1;
  return at >= 0 ? at : undefined;
}

/** True when the row lies inside every brushed range (a row without a value on a brushed axis does not). */
export function insideBrush(
  row: CompareRow,
  axes: readonly ParallelAxis[],
  brush: Readonly<Record<string, [number, number]>>,
): boolean {
  for (const axis of axes) {
    const range = brush[axis.key];
    if (!range) continue;
    const v = axisValue(row, axis);
    const [lo, hi] = range[0] <= range[1] ? range : [range[1], range[0]];
    if (v === undefined || v < lo || v > hi) return false;
  }
  return true;
}
