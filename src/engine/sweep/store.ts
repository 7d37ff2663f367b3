// The sweep's own record in the run store: runs/<experiment>/sweeps/<sweep-id>/sweep.json holds the
// plan (points, seeds, run folders). Each point's run folder has a fixed name (<sweep-id>-pNNN), so
// the status of a sweep is derived from the run folders alone, whoever ran them (a local runner,
// a SLURM array task on another node, or the extension).
import * as fs from 'fs';
import * as path from 'path';
import type { SweepPointStatus, SweepProgress, SweepRecord, SweepSharing } from '../../protocol/sweep';
import type { BackendName, Experiment } from '../config/types';
import { writeJsonAtomic } from '../store/atomic';
import { newRunId, readRun, safeName, type RunInfo } from '../store/runStore';
import type { SweepPlan, SweepPoint } from './expand';
import { sharedTeachers } from './teacherKeys';

export const SWEEPS_DIR = 'sweeps';
export const SWEEP_FILE = 'sweep.json';

export function newSweepId(now = new Date()): string {
  return `sweep-${newRunId(now)}`;
}

/** The run id of a point: fixed, so a SLURM task, a resume and a reader all find the same folder. */
export function pointRunId(sweepId: string, index: number): string {
  return `${sweepId}-p${String(index).padStart(3, '0')}`;
}

export function sweepDirOf(runsDir: string, experiment: string, sweepId: string): string {
  return path.join(runsDir, safeName(experiment), SWEEPS_DIR, sweepId);
}

/** The sweep's folder of shared teachers and cached teacher outputs, below the sweep's own folder. */
export const SHARED_DIR = 'shared';

/**
 * The experiment a point runs: its resolved config plus the sweep metadata recorded in config.json and
 * summary.json, including (unless the sweep turned sharing off) the shared folder and the identity of
 * each teacher it trains, so points with one identity train it once. `backend` is the one the run asks for.
 */
export function pointExperiment(
  point: SweepPoint,
  sweepId: string,
  options: { share?: boolean; backend?: BackendName } = {},
): Experiment {
  const experiment = point.experiment;
  const shared: SweepSharing | undefined =
    options.share === false
      ? undefined
      : {
          dir: path.join(safeName(experiment.name), SWEEPS_DIR, sweepId, SHARED_DIR),
          teachers: sharedTeachers(experiment, options.backend ?? experiment.backend),
        };
  return {
    ...experiment,
    sweep: { id: sweepId, point: point.index, params: point.params, seed: point.seed, ...(shared ? { shared } : {}) },
  };
}

export function newSweepRecord(
  plan: SweepPlan,
  options: { id: string; runsDir: string; executor: SweepRecord['executor']; concurrency: number },
): SweepRecord {
  return {
    version: 1,
    id: options.id,
    experiment: plan.name,
    ...(plan.cell !== undefined ? { cell: plan.cell } : {}),
    sourceFile: plan.file,
    runsDir: path.resolve(options.runsDir),
    createdAt: new Date().toISOString(),
    executor: options.executor,
    concurrency: options.concurrency,
    paths: plan.paths,
    points: plan.points.map((p) => ({
      index: p.index,
      setting: p.setting,
      params: p.params,
      seed: p.seed,
      runDir: path.join(safeName(plan.name), pointRunId(options.id, p.index)),
    })),
  };
}

export function writeSweepRecord(record: SweepRecord): string {
  const dir = sweepDirOf(record.runsDir, record.experiment, record.id);
  fs.mkdirSync(dir, { recursive: true });
  writeJsonAtomic(path.join(dir, SWEEP_FILE), record);
  return dir;
}

/** Reads sweep.json from a sweep folder. The runs directory is taken from where the folder is, so a moved store still reads. */
export function readSweepRecord(sweepDir: string): SweepRecord {
  const file = path.join(sweepDir, SWEEP_FILE);
  let record: SweepRecord;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8')) as SweepRecord;
  } catch (error) {
    throw new Error(`${file}: not a sweep folder (${(error as Error).message})`, { cause: error });
  }
  // <runsDir>/<experiment>/sweeps/<id>
  return { ...record, runsDir: path.resolve(sweepDir, '..', '..', '..') };
}

export function isSweepDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, SWEEP_FILE));
}

/** Each point's run (undefined when its folder does not exist yet). */
export function sweepRuns(record: SweepRecord): (RunInfo | undefined)[] {
  return record.points.map((p) => {
    const dir = path.join(record.runsDir, p.runDir);
    return fs.existsSync(path.join(dir, 'config.json')) ? readRun(dir) : undefined;
  });
}

export function pointStatus(run: RunInfo | undefined): SweepPointStatus {
  return run ? run.status : 'queued';
}

export function progressOf(statuses: readonly SweepPointStatus[]): SweepProgress {
  const count = (s: SweepPointStatus) => statuses.filter((x) => x === s).length;
  return {
    total: statuses.length,
    done: count('done'),
    running: count('running'),
    queued: count('queued'),
    failed: count('failed'),
    stopped: count('stopped'),
  };
}

/** The sweeps recorded under a runs directory, newest first. */
export function listSweeps(runsDir: string): string[] {
  const found: string[] = [];
  let experiments: string[];
  try {
    experiments = fs.readdirSync(runsDir);
  } catch {
    return found;
  }
  for (const experiment of experiments) {
    const dir = path.join(runsDir, experiment, SWEEPS_DIR);
    let ids: string[];
    try {
      ids = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const id of ids) if (isSweepDir(path.join(dir, id))) found.push(path.join(dir, id));
  }
  return found.sort((a, b) => (path.basename(a) < path.basename(b) ? 1 : -1));
}
