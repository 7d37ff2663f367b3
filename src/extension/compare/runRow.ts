// One run of the comparison, read from its folder: the row the webview shows (metrics, progress,
// curves, costs of its teacher and baseline, name and note) and, kept on the host, its whole
// resolved config flattened to paths, from which the view sends only the keys that differ.
import type { RunEvent } from '../../protocol/events';
import type { SweepRunInfo } from '../../protocol/sweep';
import type { CompareRunView, ModelCost } from '../../protocol/webview';
import { readEvents, readRun } from '../../engine/store/runStore';
import { readRunMeta } from '../../engine/store/runMeta';
import type { RunRecord } from '../../engine/sweep/stats';
import { flattenConfig, type FlatConfig } from '../../shared/compare/config';
import { compareRunOf } from '../../shared/compare/model';

export interface HostRun {
  view: CompareRunView;
  /** The resolved config as paths, the sweep record and the seed left out of it. */
  config: FlatConfig;
  /** What the engine's grouping reads. */
  record: RunRecord;
  sweep?: SweepRunInfo;
}

function baseStage(stage: string): string {
  return stage.split('.')[0] ?? stage;
}

/** Per-epoch series of the product stage: accuracies, losses and each loss term's mean over the epoch's steps. */
export function curvesOf(events: readonly RunEvent[], product: string | undefined): CompareRunView['curves'] {
  const curves = { epoch: [] as number[], series: {} as Record<string, (number | null)[]> };
  if (!product) return curves;
  const stage = baseStage(product);
  const termSums = new Map<string, { sum: number; count: number }>();
  const put = (at: number, key: string, value: number | null) => {
    const list = (curves.series[key] ??= []);
    while (list.length < at) list.push(null);
    list[at] = value;
  };
  for (const event of events) {
    if (event.type === 'step' && baseStage(event.stage) === stage) {
      for (const [term, value] of Object.entries(event.losses)) {
        const acc = termSums.get(term) ?? { sum: 0, count: 0 };
        acc.sum += value;
        acc.count++;
        termSums.set(term, acc);
      }
    } else if (event.type === 'epoch' && baseStage(event.stage) === stage) {
      // A resumed run repeats epochs: the later record replaces the earlier ones from there on.
      let at = curves.epoch.findIndex((e) => e >= event.epoch);
      if (at < 0) at = curves.epoch.length;
      curves.epoch.length = at;
      for (const list of Object.values(curves.series)) list.length = Math.min(list.length, at);
      curves.epoch.push(event.epoch);
      put(at, 'valAcc', event.valAcc);
      put(at, 'trainAcc', event.trainAcc);
      put(at, 'trainLoss', event.trainLoss);
      put(at, 'valLoss', event.valLoss);
      for (const [term, { sum, count }] of termSums) put(at, `loss:${term}`, count ? sum / count : null);
      termSums.clear();
    }
  }
  for (const list of Object.values(curves.series)) while (list.length < curves.epoch.length) list.push(null);
  return curves;
}

function costOf(
  metrics: { summary: { params: number; macs: number; bytes: number }; latencyMs: number } | undefined,
): ModelCost | undefined {
  return metrics
    ? {
        params: metrics.summary.params,
        macs: metrics.summary.macs,
        bytes: metrics.summary.bytes,
        latencyMs: metrics.latencyMs,
      }
    : undefined;
}

/** Reads a run folder into its comparison row and flat config. */
export function hostRunFromDisk(runDir: string): HostRun {
  const info = readRun(runDir);
  const events = readEvents(runDir);
  const base = compareRunOf({
    runDir,
    runId: info.runId,
    experiment: info.experiment,
    status: info.status,
    summary: info.summary,
    events,
  });
  const stageMetrics = new Map<string, Extract<RunEvent, { type: 'stage-end' }>['metrics']>();
  for (const e of events) if (e.type === 'stage-end') stageMetrics.set(e.stage, e.metrics);
  for (const [stage, m] of Object.entries(info.summary?.models ?? {})) stageMetrics.set(stage, m);
  const byRole = (role: string) => [...stageMetrics.values()].find((m) => m.role === role);
  const product = base.product ? stageMetrics.get(base.product) : undefined;
  const rawConfig = (info.config ?? {}) as unknown as Record<string, unknown>;
  const sweep = info.summary?.sweep ?? (rawConfig.sweep as SweepRunInfo | undefined);
  const { sweep: _sweep, ...withoutSweep } = rawConfig;
  const seed = sweep?.seed ?? (typeof rawConfig.seed === 'number' ? rawConfig.seed : undefined);
  const meta = readRunMeta(runDir);
  const view: CompareRunView = {
    ...base,
    name: meta.name,
    note: meta.note,
    seed,
    sweep: sweep ? { id: sweep.id, point: sweep.point } : undefined,
    teacherCost: costOf(byRole('teacher')),
    baselineCost: costOf(byRole('baseline')),
    bytes: product?.summary.bytes,
    progress:
      info.status === 'running' && info.progress
        ? { stage: info.progress.stage, epoch: info.progress.epoch, epochs: info.progress.epochs }
        : undefined,
    curves: curvesOf(events, base.product),
  };
  return {
    view,
    config: flattenConfig(withoutSweep),
    record: {
      dir: runDir,
      runId: info.runId,
      experiment: info.experiment,
      status: info.status,
      config: info.config,
      summary: info.summary,
    },
    sweep,
  };
}
