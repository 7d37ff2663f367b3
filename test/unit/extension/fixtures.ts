// Run infos and summaries for the host-logic tests, built by hand so each figure is known.
import type { RunInfo } from '../../../src/engine/store/runStore';
import type { ModelMetrics, RunSummary, StageRole } from '../../../src/protocol/events';
import type { Experiment } from '../../../src/engine/config/types';

export function metrics(
  stage: string,
  role: StageRole,
  bestTest: number,
  lastTest = bestTest,
  params = 1000,
): ModelMetrics {
  return {
    stage,
    role,
    summary: {
      name: stage,
      layers: [],
      params,
      trainableParams: params,
      macs: params,
      bytes: params * 4,
      depth: 2,
      width: 8,
      inputShape: [16],
      classes: 4,
    },
    best: { epoch: 3, val: bestTest, test: bestTest },
    last: { epoch: 5, val: lastTest, test: lastTest },
    latencyMs: 0.05,
  };
}

export function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: '20261123-201500-aaaa',
    experiment: 'synthetic',
    sourceFile: '/ws/synthetic.kd.json',
    status: 'done',
    backend: 'wasm',
    startedAt: '2026-11-23T20:15:00.000Z',
    endedAt: '2026-11-23T20:15:12.000Z',
    durationMs: 12_000,
    models: {
      teacher: metrics('teacher', 'teacher', 0.95, 0.94, 5000),
      student: metrics('student', 'student', 0.912, 0.905, 500),
      baseline: metrics('baseline', 'baseline', 0.899, 0.89, 500),
    },
    product: 'student',
    kdGain: 0.013,
    agreement: 0.93,
    klTeacherStudent: 0.1234,
    compressionRatio: 10,
    speedup: 3,
    ...over,
  };
}

/** Only the fields of a config that the host reads. */
export function config(sourceFile: string, cell?: string): Experiment {
  return { sourceFile, cell, name: cell ? `nb.${cell}` : 'synthetic' } as Experiment;
}

export function run(over: Partial<RunInfo> = {}): RunInfo {
  const runId = over.runId ?? '20261123-201500-aaaa';
  const experiment = over.experiment ?? 'synthetic';
  return {
    experiment,
    runId,
    dir: `/ws/runs/${experiment}/${runId}`,
    status: 'done',
    crashed: false,
    ...over,
  };
}
