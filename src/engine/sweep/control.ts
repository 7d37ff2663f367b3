// What `kd sweep` and the editor both do to a sweep as a whole: where each point stands (run folders
// merged with SLURM's queue), which points a resume runs, submitting points as a SLURM job array and
// cancelling it. One implementation, so the command line and the editor cannot disagree.
import type { SweepPointStatus, SweepRecord } from '../../protocol/sweep';
import { cancelJobs, mergeStatus, schedulerStates, submitArray } from './slurm';
import { pointStatus, sweepRuns, writeSweepRecord } from './store';

/** Scheduler states of a task that is still the scheduler's business (a resubmission would duplicate it). */
const LIVE_SCHEDULER_STATES = ['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'REQUEUED'];

/** Status of every point: the run folder, merged with the scheduler for a SLURM sweep. */
export async function pointStatuses(record: SweepRecord): Promise<SweepPointStatus[]> {
  const runs = sweepRuns(record);
  const fromRuns = runs.map(pointStatus);
  if (record.executor !== 'slurm' || !record.slurm) return fromRuns;
  const states = await schedulerStates(record.slurm.jobIds);
  return record.points.map((p, i) =>
    mergeStatus(runs[i] ? fromRuns[i] : undefined, states.get(p.index), record.slurm?.cancelledAt !== undefined),
  );
}

/** The points a resume runs (or resubmits): not done, not running, and for SLURM not pending or running there. */
export async function pointsToResume(record: SweepRecord): Promise<number[]> {
  const statuses = await pointStatuses(record);
  const todo = record.points.filter((_, i) => statuses[i] !== 'done' && statuses[i] !== 'running');
  if (record.executor !== 'slurm' || !record.slurm) return todo.map((p) => p.index);
  const states = await schedulerStates(record.slurm.jobIds);
  return todo.filter((p) => !LIVE_SCHEDULER_STATES.includes(states.get(p.index) ?? '')).map((p) => p.index);
}

export interface SlurmSubmitOptions {
  /** The `kd` command line the array tasks run: Node (with its flags) and the CLI script. */
  kd: readonly string[];
  /** Extra sbatch arguments. */
  args: readonly string[];
  /** At most this many tasks at once (`%C`); 0: no limit. */
  concurrency: number;
}

/** Submits the points as one job array and records the job in sweep.json; returns the job id. */
export async function submitSweep(
  record: SweepRecord,
  sweepDir: string,
  indices: readonly number[],
  options: SlurmSubmitOptions,
): Promise<string> {
  const jobId = await submitArray(record, sweepDir, indices, options);
  record.slurm = {
    // A resubmission starts afresh: the earlier cancel no longer applies.
    jobIds: [...(record.slurm?.jobIds ?? []), jobId],
    script: 'job.sh',
    args: [...options.args],
  };
  writeSweepRecord(record);
  return jobId;
}

/** scancel of the sweep's jobs; the points that never started then read as stopped. */
export async function cancelSweep(record: SweepRecord): Promise<string[]> {
  if (record.executor !== 'slurm' || !record.slurm) throw new Error(`sweep ${record.id} has no SLURM jobs to cancel`);
  await cancelJobs(record.slurm.jobIds);
  record.slurm.cancelledAt = new Date().toISOString();
  writeSweepRecord(record);
  return record.slurm.jobIds;
}
