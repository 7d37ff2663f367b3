// The trade-off chart's points: each row's distilled student, its baseline (the student trained
// alone) and its teacher at (cost, accuracy), groups with their ± std, and the Pareto front over
// the students (distilled and baselines: the models one would ship). Teachers and baselines
// shared by many rows are drawn once.
import type { CompareRunView, CostAxis, ModelCost } from '../../protocol/webview';
import type { CompareRow } from './rows';
import { paretoFront } from './pareto';

export type PointKind = 'distilled' | 'baseline' | 'teacher';

export interface ScatterPoint {
  /** Unique per point: `<row id>` for the distilled student, `<row id>#baseline`, `teacher:<x>:<y>`. */
  id: string;
  rowId: string;
  kind: PointKind;
  x: number;
  y: number;
  /** ± std of a group's accuracy and cost. */
  yStd?: number;
  xStd?: number;
  n: number;
  label: string;
  /** The run a click opens (a group opens its first run). */
  runDir: string;
}

export interface ScatterOptions {
  cost: CostAxis;
  accuracy: 'best' | 'last';
}

export const COST_METRIC: Record<CostAxis, string> = {
  params: 'params',
  macs: 'macs',
  bytes: 'student.bytes',
  latency: 'latencyMs',
};

export const COST_LABEL: Record<CostAxis, string> = {
  params: 'parameters',
  macs: 'MACs per example',
  bytes: 'size (bytes)',
  latency: 'latency per example (ms)',
};

function costOf(cost: ModelCost | undefined, axis: CostAxis): number | undefined {
  if (!cost) return undefined;
  return axis === 'latency' ? cost.latencyMs : cost[axis];
}

function mean(values: number[]): number | undefined {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

function memberRuns(row: CompareRow, runsByDir: ReadonlyMap<string, CompareRunView>): CompareRunView[] {
  return row.runDirs.flatMap((d) => {
    const r = runsByDir.get(d);
    return r ? [r] : [];
  });
}

/** Points of the finished rows for one cost axis and accuracy (best-validation epoch's or last). Positive costs only (the axis may be logarithmic). */
export function scatterPoints(
  rows: readonly CompareRow[],
  runsByDir: ReadonlyMap<string, CompareRunView>,
  options: ScatterOptions,
): ScatterPoint[] {
  return uniquePoints(rows.map((row) => rowScatterPoints(row, runsByDir, options)));
}

/** The rows' points in order, a teacher shared by several rows once. */
export function uniquePoints(perRow: readonly (readonly ScatterPoint[])[]): ScatterPoint[] {
  const points: ScatterPoint[] = [];
  const seen = new Set<string>();
  for (const list of perRow)
    for (const p of list) {
      if (p.kind === 'teacher') {
        if (seen.has(p.id)) continue;
        seen.add(p.id);
      }
      points.push(p);
    }
  return points;
}

/** One row's points: its distilled student, its baseline and its teacher (none for an unfinished row). */
export function rowScatterPoints(
  row: CompareRow,
  runsByDir: ReadonlyMap<string, CompareRunView>,
  options: ScatterOptions,
): ScatterPoint[] {
  const points: ScatterPoint[] = [];
  const accKey = `student.${options.accuracy}.test`;
  const costKey = COST_METRIC[options.cost];
  // Finished runs and groups only: a failed or stopped run's figures are not a result.
  if (row.status !== 'done') return points;
  const acc = row.cells[accKey];
  const cost = row.cells[costKey];
  const runDir = row.runDirs[0] ?? row.id;
  if (acc && cost && cost.value > 0)
    points.push({
      id: row.id,
      rowId: row.id,
      kind: 'distilled',
      x: cost.value,
      y: acc.value,
      yStd: acc.std,
      xStd: cost.std,
      n: acc.n,
      label: row.label,
      runDir,
    });
  const members = memberRuns(row, runsByDir);
  const side = (kind: 'baseline' | 'teacher') => {
    const pairs = members.flatMap((m) => {
      const ba = kind === 'baseline' ? m.baseline : m.teacher;
      const c = costOf(kind === 'baseline' ? (m.baselineCost ?? undefined) : m.teacherCost, options.cost);
      return ba && c !== undefined && c > 0 ? [{ y: ba[options.accuracy], x: c }] : [];
    });
    const y = mean(pairs.map((p) => p.y));
    const x = mean(pairs.map((p) => p.x));
    if (x === undefined || y === undefined) return;
    const std = (vs: number[], m: number) =>
      vs.length > 1 ? Math.sqrt(vs.reduce((s, v) => s + (v - m) ** 2, 0) / (vs.length - 1)) : undefined;
    const id = kind === 'baseline' ? `${row.id}#baseline` : `teacher:${x}:${y}`;
    points.push({
      id,
      rowId: row.id,
      kind,
      x,
      y,
      yStd: std(
        pairs.map((p) => p.y),
        y,
      ),
      n: pairs.length,
      label: `${kind} of ${row.label}`,
      runDir,
    });
  };
  side('baseline');
  side('teacher');
  return points;
}

/** The Pareto front over the students (distilled and baselines), cheapest first. */
export function scatterFront(points: readonly ScatterPoint[]): ScatterPoint[] {
  const candidates = points.filter((p) => p.kind !== 'teacher');
  const byId = new Map(candidates.map((p) => [p.id, p]));
  return paretoFront(candidates.map((p) => ({ id: p.id, cost: p.x, accuracy: p.y }))).flatMap((id) => {
    const p = byId.get(id);
    return p ? [p] : [];
  });
}
