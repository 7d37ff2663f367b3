// Statistics over runs, written once for the CLI, the Runs tree and the comparison view: per-metric
// n, mean, sample std, min, max and a Student-t 95% confidence interval, over groups of runs that
// differ only by seed. The KD gain is paired: each run's distilled student minus the baseline trained
// in the same run (same seed, same data order, same initial weights), so its CI is that of the mean
// of per-seed differences, not of two independent means.
import type { RunSummary } from '../../protocol/events';
import type { Comparison, MetricStats, RunGroup, RunRow, SweepRunInfo } from '../../protocol/sweep';
import { runMetrics } from './metrics';
import { studentTQuantile } from './studentT';

export type { Comparison, MetricStats, RunGroup, RunRow } from '../../protocol/sweep';

/** What grouping needs of a run: the fields of the run store's RunInfo. */
export interface RunRecord {
  dir: string;
  runId: string;
  experiment: string;
  status: string;
  config?: object;
  summary?: RunSummary;
}

/** n, mean, sample std, min, max and (n ≥ 2) the 95% Student-t interval of the mean. */
export function describe(values: readonly number[]): MetricStats {
  const n = values.length;
  if (n === 0) throw new RangeError('no values to describe');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const stats: MetricStats = { n, mean, std, min: Math.min(...values), max: Math.max(...values) };
  if (n > 1) {
    const half = studentTQuantile(0.975, n - 1) * (std / Math.sqrt(n));
    stats.ci95 = [mean - half, mean + half];
    stats.excludesZero = stats.ci95[0] > 0 || stats.ci95[1] < 0;
  }
  return stats;
}

/** The paired differences a[i] − b[i] (e.g. distilled minus baseline accuracy per seed) and their statistics. */
export function pairedDifference(a: readonly number[], b: readonly number[]): MetricStats {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length (${a.length} and ${b.length})`);
  return describe(a.map((v, i) => v - b[i]));
}

function sweepOf(run: RunRecord): SweepRunInfo | undefined {
  return run.summary?.sweep ?? (run.config as { sweep?: SweepRunInfo } | undefined)?.sweep;
}

function seedOf(run: RunRecord): number | undefined {
  const seed = sweepOf(run)?.seed ?? (run.config as { seed?: unknown } | undefined)?.seed;
  return typeof seed === 'number' ? seed : undefined;
}

/** JSON with sorted keys, so equal configs give equal strings. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The config without what varies between the seeds of one setting. */
function settingKey(run: RunRecord): string {
  const { seed: _seed, sweep: _sweep, ...rest } = (run.config ?? {}) as Record<string, unknown>;
  return `${sweepOf(run)?.id ?? ''}\u0000${canonical(rest)}`;
}

/** Leaves of a JSON value under sweep-style paths: `train.optimizer.lr`, `distill.losses[1].temperature`. */
export function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) out[prefix] = value;
    value.forEach((item, i) => flatten(item, `${prefix}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out[prefix] = value;
    for (const [key, item] of entries) flatten(item, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

/** For runs outside a sweep: the config paths (seed aside) whose values differ between the given configs. */
function differingParams(configs: readonly object[]): Record<string, unknown>[] {
  const flat = configs.map((c) => {
    const { seed: _seed, sweep: _sweep, ...rest } = c as Record<string, unknown>;
    return flatten(rest);
  });
  const keys = new Set(flat.flatMap((f) => Object.keys(f)));
  const differing = [...keys].filter((k) => new Set(flat.map((f) => canonical(f[k]))).size > 1).sort();
  return flat.map((f) => Object.fromEntries(differing.map((k) => [k, f[k] ?? null])));
}

function statsOf(rows: readonly Record<string, number>[]): Record<string, MetricStats> {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))].sort();
  const metrics: Record<string, MetricStats> = {};
  for (const name of names) {
    const values = rows.map((r) => r[name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length > 0) metrics[name] = describe(values);
  }
  return metrics;
}

export interface GroupOptions {
  /** Group runs that differ only by seed (default true); false makes every run its own group. */
  bySeed?: boolean;
}

/**
 * Rows for every run and groups over the finished ones. Runs of a sweep are grouped by their sweep and
 * swept values; other runs by their whole resolved config minus the seed. A group's params are the
 * swept values, or, outside a sweep, the config paths that differ between the groups.
 */
export function compareRuns(runs: readonly RunRecord[], options: GroupOptions = {}): Comparison {
  const bySeed = options.bySeed ?? true;
  const rows: RunRow[] = runs.map((run) => ({
    runDir: run.dir,
    runId: run.runId,
    experiment: run.experiment,
    status: run.status,
    seed: seedOf(run),
    sweep: sweepOf(run),
    params: sweepOf(run)?.params ?? {},
    metrics: run.summary && run.status === 'done' ? runMetrics(run.summary) : {},
  }));
  const plain = runs.map((run, i) => ({ run, row: rows[i] })).filter(({ run }) => !sweepOf(run));
  if (plain.length > 0) {
    const params = differingParams(plain.map(({ run }) => run.config ?? {}));
    plain.forEach(({ row }, i) => (row.params = params[i]));
  }
  const order: string[] = [];
  const members = new Map<string, number[]>();
  runs.forEach((run, i) => {
    if (run.status !== 'done' || !run.summary) return;
    const key = bySeed ? settingKey(run) : run.dir;
    if (!members.has(key)) {
      members.set(key, []);
      order.push(key);
    }
    members.get(key)!.push(i);
  });
  const groups: RunGroup[] = order.map((key) => {
    const indices = members.get(key)!;
    const first = rows[indices[0]];
    return {
      params: first.params,
      n: indices.length,
      runDirs: indices.map((i) => rows[i].runDir),
      seeds: indices.map((i) => rows[i].seed).filter((s): s is number => s !== undefined),
      metrics: statsOf(indices.map((i) => rows[i].metrics)),
    };
  });
  return { runs: rows, groups };
}

/** Groups of runs that differ only by seed (the `groups` of compareRuns). */
export function groupRuns(runs: readonly RunRecord[], options: GroupOptions = {}): RunGroup[] {
  return compareRuns(runs, options).groups;
}
