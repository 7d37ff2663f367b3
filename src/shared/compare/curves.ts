// Curves overlaid by epoch: a run's own curve, or a group's mean with a ± std band over its runs
// at each epoch (the runs that reached that epoch).
import type { CompareRunView } from '../../protocol/webview';

export interface CurveLine {
  id: string;
  label: string;
  epoch: number[];
  mean: number[];
  /** Present for groups: mean − std and mean + std at each epoch (sample std; 0 with one run). */
  lower?: number[];
  upper?: number[];
  n: number[];
}

/** The names of the per-epoch series that any of the runs has, validation accuracy first. */
export function curveMetrics(runs: readonly CompareRunView[]): string[] {
  const names = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.curves?.series ?? {})) names.add(k);
  const order = ['valAcc', 'trainAcc', 'trainLoss', 'valLoss'];
  return [...order.filter((k) => names.has(k)), ...[...names].filter((k) => !order.includes(k)).sort()];
}

export function runCurve(run: CompareRunView, metric: string, label: string): CurveLine {
  const epoch: number[] = [];
  const mean: number[] = [];
  const series = run.curves?.series[metric] ?? [];
  run.curves?.epoch.forEach((e, i) => {
    const v = series[i];
    if (typeof v === 'number' && Number.isFinite(v)) {
      epoch.push(e);
      mean.push(v);
    }
  });
  return { id: run.runDir, label, epoch, mean, n: mean.map(() => 1) };
}

/** Mean and ± sample std per epoch over the runs. */
export function groupCurve(id: string, label: string, runs: readonly CompareRunView[], metric: string): CurveLine {
  const byEpoch = new Map<number, number[]>();
  for (const run of runs) {
    const line = runCurve(run, metric, '');
    line.epoch.forEach((e, i) => {
      const list = byEpoch.get(e) ?? [];
      list.push(line.mean[i] ?? NaN);
      byEpoch.set(e, list);
    });
  }
  const epoch = [...byEpoch.keys()].sort((a, b) => a - b);
  const mean: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  const n: number[] = [];
  for (const e of epoch) {
    const vs = byEpoch.get(e) ?? [];
    const m = vs.reduce((a, b) => a + b, 0) / vs.length;
    const sd = vs.length > 1 ? Math.sqrt(vs.reduce((s, v) => s + (v - m) ** 2, 0) / (vs.length - 1)) : 0;
    mean.push(m);
    lower.push(m - sd);
    upper.push(m + sd);
    n.push(vs.length);
  }
  return { id, label, epoch, mean, lower, upper, n };
}
