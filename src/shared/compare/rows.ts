// The comparison's rows: one per run, or one per group of runs that differ only by seed. A row
// carries, per metric, a value with the group's spread, so the table, the charts and the exports
// read runs and groups the same way.
import type { RunStatus } from '../../protocol/events';
import type { CompareGroupView, CompareRunView, CompareViewModel, ConfigScalar } from '../../protocol/webview';
import { METRICS, metricOf } from './metrics';
import { summarySpeedup, WITHIN_NOISE } from '../speedup';

export { WITHIN_NOISE };

export interface Cell {
  value: number;
  /** Sample std over the group's runs (absent for a single run). */
  std?: number;
  n: number;
  min?: number;
  max?: number;
  ci95?: [number, number];
  /** The 95% CI excludes 0 (for the KD gain: distillation helped, or hurt, beyond seed noise). */
  excludesZero?: boolean;
}

export interface CompareRow {
  /** The run folder, or `group:<key>`. */
  id: string;
  kind: 'run' | 'group';
  label: string;
  /** Name, note, run id and experiment: what the text filter searches besides the config. */
  searchText: string;
  status: RunStatus;
  runDirs: string[];
  config: Record<string, ConfigScalar>;
  cells: Record<string, Cell>;
  /** Why a metric has no value, where the run store says (the speed-up "within noise"). */
  reasons?: Record<string, string>;
  run?: CompareRunView;
  group?: CompareGroupView;
}

export function runLabel(run: CompareRunView): string {
  return run.name ?? `${run.cell ?? run.experiment} · ${run.runId}`;
}

/** `T=4, hidden=[64]` from the group's swept or differing values (the last path segment names each). */
export function configLabel(config: Record<string, ConfigScalar>, keys: readonly string[]): string {
  const parts = keys
    .filter((k) => k in config)
    .map((k) => `${shortKey(k)}=${String(config[k])}`)
    .slice(0, 4);
  return parts.join(', ');
}

/** `distill.losses[1].temperature` → `losses[1].temperature`: the last two segments, enough to tell keys apart. */
export function shortKey(key: string): string {
  const parts = key.split('.');
  return parts.slice(-2).join('.');
}

/** The summary said the run's latencies were within their spread (the speed-up helper decides, for every view). */
function withinNoise(run: CompareRunView): boolean {
  const speedup = summarySpeedup(run);
  return speedup !== undefined && 'withinNoise' in speedup;
}

export function runRow(run: CompareRunView): CompareRow {
  const cells: Record<string, Cell> = {};
  for (const metric of METRICS) {
    const value = metricOf(run, metric.key);
    if (value !== undefined) cells[metric.key] = { value, n: 1 };
  }
  return {
    ...(withinNoise(run) && !cells.speedup ? { reasons: { speedup: WITHIN_NOISE } } : {}),
    id: run.runDir,
    kind: 'run',
    label: runLabel(run),
    searchText: [run.name, run.note, run.runId, run.experiment, run.cell].filter(Boolean).join(' ').toLowerCase(),
    status: run.status,
    runDirs: [run.runDir],
    config: run.config ?? {},
    cells,
    run,
  };
}

/** A group is running while any run is, else failed if any failed, stopped if any stopped, else done. */
export function groupStatus(statuses: RunStatus[]): RunStatus {
  for (const s of ['running', 'failed', 'stopped'] as const) if (statuses.includes(s)) return s;
  return 'done';
}

export function groupRow(
  group: CompareGroupView,
  runsByDir: ReadonlyMap<string, CompareRunView>,
  labelKeys: readonly string[],
): CompareRow {
  const members = group.runDirs.flatMap((d) => {
    const run = runsByDir.get(d);
    return run ? [run] : [];
  });
  const cells: Record<string, Cell> = {};
  for (const [key, stat] of Object.entries(group.metrics)) {
    cells[key] = {
      value: stat.mean,
      std: stat.std,
      n: stat.n,
      min: stat.min,
      max: stat.max,
      ci95: stat.ci95,
      excludesZero: stat.excludesZero,
    };
  }
  // The engine's statistics take the speed-up from summaries only; none at all and a run within noise: say so.
  const noisy = !cells.speedup && members.some(withinNoise);
  const first = members[0];
  const label =
    configLabel(group.config, labelKeys) || (first ? (first.cell ?? first.experiment) : group.key) || 'all runs';
  return {
    id: `group:${group.key}`,
    kind: 'group',
    label,
    searchText: [label, ...members.map((m) => [m.name, m.note, m.runId, m.experiment].join(' '))]
      .join(' ')
      .toLowerCase(),
    status: groupStatus(members.map((m) => m.status)),
    runDirs: group.runDirs,
    config: group.config,
    cells,
    ...(noisy ? { reasons: { speedup: WITHIN_NOISE } } : {}),
    group,
  };
}

/** The view's rows: runs, or groups (runs that belong to no group are shown on their own). */
export function rowsOf(view: CompareViewModel, grouped: boolean): CompareRow[] {
  if (!grouped) return view.runs.map(runRow);
  const runsByDir = new Map(view.runs.map((r) => [r.runDir, r]));
  const labelKeys = [
    ...view.configKeys.swept,
    ...view.configKeys.differing.filter((k) => !view.configKeys.swept.includes(k)),
  ];
  const rows = view.groups.map((g) => groupRow(g, runsByDir, labelKeys));
  const inGroup = new Set(view.groups.flatMap((g) => g.runDirs));
  for (const run of view.runs) if (!inGroup.has(run.runDir)) rows.push(runRow(run));
  return rows;
}
