// The table's columns: the row's label and status, the swept values, the config keys that differ
// (equal ones only on request), then the chosen metrics.
import type { CompareViewModel, ConfigScalar } from '../../protocol/webview';
import { METRIC_BY_KEY, type MetricDef } from './metrics';
import type { CompareRow } from './rows';

export interface TableColumn {
  /** `label`, `status`, `config:<path>` or a metric key. */
  key: string;
  label: string;
  kind: 'label' | 'status' | 'config' | 'metric';
  metric?: MetricDef;
  /** For config columns: varied by a sweep, different between the shown runs, or the same in all. */
  role?: 'swept' | 'differing' | 'equal';
  path?: string;
  description?: string;
}

export interface ColumnChoice {
  metrics: readonly string[];
  showEqual: boolean;
  grouped: boolean;
}

export function tableColumns(view: CompareViewModel, choice: ColumnChoice): TableColumn[] {
  const columns: TableColumn[] = [
    { key: 'label', label: choice.grouped ? 'Setting' : 'Run', kind: 'label' },
    { key: 'status', label: 'Status', kind: 'status' },
  ];
  const config = (path: string, role: 'swept' | 'differing' | 'equal'): TableColumn => ({
    key: `config:${path}`,
    label: path,
    kind: 'config',
    role,
    path,
    description:
      role === 'swept'
        ? `${path}: varied by the sweep`
        : role === 'differing'
          ? `${path}: differs between the shown runs`
          : `${path}: the same in every shown run`,
  });
  for (const path of view.configKeys.swept) columns.push(config(path, 'swept'));
  for (const path of view.configKeys.differing) {
    // Groups are made of runs that differ only by seed: the seed is their n, not a column.
    if (choice.grouped && path === 'seed') continue;
    columns.push(config(path, 'differing'));
  }
  if (choice.showEqual) for (const path of Object.keys(view.configKeys.equal)) columns.push(config(path, 'equal'));
  for (const key of choice.metrics) {
    const metric = METRIC_BY_KEY.get(key);
    if (metric) columns.push({ key, label: metric.label, kind: 'metric', metric, description: metric.description });
  }
  return columns;
}

/** A config column's value for a row: its own, or the value every run shares. */
export function configValue(
  row: CompareRow,
  column: TableColumn,
  equal: Readonly<Record<string, ConfigScalar>>,
): ConfigScalar | undefined {
  if (!column.path) return undefined;
  return column.role === 'equal' ? equal[column.path] : row.config[column.path];
}
