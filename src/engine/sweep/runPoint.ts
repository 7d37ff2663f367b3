// Runs one point of a sweep: what `kd run FILE --sweep-point I` does, locally or as a SLURM array
// task. The point's run folder has a fixed name, so running a point again resumes a stopped or
// crashed run, restarts a failed one, and leaves a finished one alone.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { RunEvent } from '../../protocol/events';
import type { SweepRecord } from '../../protocol/sweep';
import type { BackendName, ExperimentFile } from '../config/types';
import { UsageError } from '../run/pickExperiment';
import { runExperiment, type RunResult } from '../run/runExperiment';
import { readRun } from '../store/runStore';
import type { SweepPlan } from './expand';
import { isSweepDir, newSweepRecord, pointExperiment, pointRunId, sweepDirOf, writeSweepRecord } from './store';

/** The sweep a command means: the named cell's, or the file's only one. */
export function pickSweep(file: ExperimentFile, cell: string | undefined): SweepPlan {
  const plans = Object.values(file.sweeps ?? {});
  if (cell !== undefined) {
    const plan = plans.find((p) => p.cell === cell);
    if (!plan) throw new UsageError(`${file.path}: cell "${cell}" has no "sweep"`);
    return plan;
  }
  if (plans.length === 1) return plans[0];
  if (plans.length === 0) throw new UsageError(`${file.path}: no "sweep" in this file`);
  throw new UsageError(
    `${file.path}: ${plans.length} cells have a sweep (${plans.map((p) => p.cell).join(', ')}); name one with --cell`,
  );
}

/** A sweep id that depends only on the file, the cell and the expansion: for tasks started without --sweep-id. */
export function stableSweepId(plan: SweepPlan): string {
  const hash = createHash('sha1')
    .update(JSON.stringify([plan.file, plan.cell ?? null, plan.points.map((p) => [p.params, p.seed])]))
    .digest('hex');
  return `sweep-${hash.slice(0, 10)}`;
}

export interface PointOptions {
  runsDir: string;
  sweepId: string;
  backend?: BackendName;
  onEvent?: (event: RunEvent) => void;
  shouldStop?: () => boolean;
  /** Recorded in sweep.json when this call is the one that creates it. */
  executor?: SweepRecord['executor'];
}

export async function runSweepPoint(plan: SweepPlan, index: number, options: PointOptions): Promise<RunResult> {
  const point = plan.points[index];
  if (!Number.isInteger(index) || !point)
    throw new UsageError(`sweep point ${index} does not exist: the sweep has points 0..${plan.points.length - 1}`);
  const sweepDir = sweepDirOf(options.runsDir, plan.name, options.sweepId);
  if (!isSweepDir(sweepDir))
    writeSweepRecord(
      newSweepRecord(plan, {
        id: options.sweepId,
        runsDir: options.runsDir,
        executor: options.executor ?? 'local',
        concurrency: 1,
      }),
    );
  const experiment = pointExperiment(point, options.sweepId, {
    share: plan.shareTeachers,
    backend: options.backend,
  });
  const runId = pointRunId(options.sweepId, index);
  const runDir = path.join(options.runsDir, path.basename(path.dirname(path.dirname(sweepDir))), runId);
  let resumeDir: string | undefined;
  if (fs.existsSync(path.join(runDir, 'config.json'))) {
    const existing = readRun(runDir);
    if (existing.status === 'done' && existing.summary) return { runDir, summary: existing.summary };
    if (existing.status === 'running') throw new UsageError(`${runDir}: this point is running already`);
    if (existing.status === 'stopped' || existing.crashed) resumeDir = runDir;
    else fs.rmSync(runDir, { recursive: true, force: true });
  }
  return runExperiment(resumeDir ? (readRun(runDir).config ?? experiment) : experiment, {
    runsDir: options.runsDir,
    runId,
    resumeDir,
    backend: options.backend,
    onEvent: options.onEvent,
    shouldStop: options.shouldStop,
  });
}
