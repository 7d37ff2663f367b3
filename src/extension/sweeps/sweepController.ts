// Runs, stops and resumes a sweep from the editor. Locally each point is a job of the run manager
// (a runner with --sweep-point, so maxConcurrentRuns and the queue apply); with SLURM the points go
// to the scheduler as one job array through the engine's own submit and cancel (what `kd sweep
// --executor slurm` does). SLURM task states are polled for the Runs view while a sweep is live there.
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExperimentFile } from '../../engine/config/types';
import { safeName } from '../../engine/store/runStore';
import { cancelSweep, pointsToResume, submitSweep } from '../../engine/sweep/control';
import { pickSweep } from '../../engine/sweep/runPoint';
import { schedulerStates } from '../../engine/sweep/slurm';
import {
  listSweeps,
  newSweepId,
  newSweepRecord,
  readSweepRecord,
  sweepDirOf,
  writeSweepRecord,
} from '../../engine/sweep/store';
import type { SweepRecord } from '../../protocol/sweep';
import type { Settings } from '../config';
import type { RunJob, RunManager } from '../runs/runManager';

/** How often SLURM's queue is asked while a SLURM sweep is unfinished. */
const SLURM_POLL_MS = 15_000;

export interface SweepControllerDeps {
  manager: RunManager;
  settings(): Settings;
  /** The runner script; SLURM tasks run the `kd` CLI next to it. */
  runnerPath: string;
  log: vscode.LogOutputChannel;
}

export class SweepController implements vscode.Disposable {
  private readonly scheduler = new Map<string, Map<number, string>>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** SLURM task states changed. */
  readonly onDidChange = this.changed.event;
  private timer?: NodeJS.Timeout;

  constructor(private readonly deps: SweepControllerDeps) {}

  /** Every sweep recorded in the runs directory, newest first. */
  sweeps(): { dir: string; record: SweepRecord }[] {
    const found: { dir: string; record: SweepRecord }[] = [];
    for (const dir of listSweeps(this.deps.settings().runsDir)) {
      try {
        found.push({ dir, record: readSweepRecord(dir) });
      } catch {
        // A sweep.json being written or damaged: left out until it reads.
      }
    }
    return found;
  }

  /** The latest SLURM state of each array task of a sweep (empty for local sweeps). */
  schedulerStates(sweepDir: string): ReadonlyMap<number, string> {
    return this.scheduler.get(sweepDir) ?? new Map();
  }

  /** Jobs of the run manager that run (or wait to run) points of this sweep. */
  jobsOf(sweepDir: string): RunJob[] {
    const wanted = path.resolve(sweepDir);
    return this.deps.manager.active().filter((j) => j.sweep !== undefined && path.resolve(j.sweep.dir) === wanted);
  }

  /** Starts every point of the file's (or cell's) sweep; resolves to the sweep folder. */
  async run(file: ExperimentFile, cell: string | undefined): Promise<string> {
    const settings = this.deps.settings();
    const plan = pickSweep(file, cell);
    const record = newSweepRecord(plan, {
      id: newSweepId(),
      runsDir: settings.runsDir,
      executor: settings.sweepExecutor,
      concurrency: settings.sweepExecutor === 'local' ? settings.maxConcurrentRuns : 0,
    });
    const dir = writeSweepRecord(record);
    this.deps.log.info(`sweep ${record.id}: ${record.points.length} runs of ${record.experiment} (${record.executor})`);
    await this.execute(
      record,
      dir,
      record.points.map((p) => p.index),
    );
    return dir;
  }

  /** Runs (or resubmits) the points that are not done and not running. */
  async resume(sweepDir: string): Promise<number[]> {
    const record = readSweepRecord(sweepDir);
    const busy = new Set(this.jobsOf(sweepDir).map((j) => j.sweep?.point));
    const todo = (await pointsToResume(record)).filter((i) => !busy.has(i));
    if (todo.length > 0) await this.execute(record, sweepDir, todo);
    return todo;
  }

  /** Stops a sweep: its queued points leave the queue, running ones stop after their step; SLURM: scancel. */
  async stop(sweepDir: string): Promise<void> {
    const jobs = this.jobsOf(sweepDir);
    // Queued first, so a stopping runner's slot does not start the next point.
    for (const job of jobs.filter((j) => j.state === 'queued')) this.deps.manager.stop(job.id);
    for (const job of jobs.filter((j) => j.state === 'running')) this.deps.manager.stop(job.id);
    const record = readSweepRecord(sweepDir);
    if (record.executor === 'slurm' && record.slurm) {
      const jobIds = await cancelSweep(record);
      this.deps.log.info(
        `sweep ${record.id}: cancelled SLURM job${jobIds.length === 1 ? '' : 's'} ${jobIds.join(', ')}`,
      );
      await this.pollScheduler();
    }
  }

  private async execute(record: SweepRecord, dir: string, indices: number[]): Promise<void> {
    if (record.executor === 'slurm') {
      const settings = this.deps.settings();
      const cli = path.join(path.dirname(this.deps.runnerPath), 'cli.js');
      const jobId = await submitSweep(record, dir, indices, {
        kd: [settings.nodePath ?? process.execPath, cli],
        args: settings.slurmArgs,
        concurrency: settings.maxConcurrentRuns,
      });
      this.deps.log.info(`sweep ${record.id}: submitted job array ${jobId} (${indices.length} tasks)`);
      await this.pollScheduler();
      return;
    }
    for (const index of indices) {
      const point = record.points[index];
      this.deps.manager.enqueue({
        label: `${record.experiment} · ${record.id} p${index}`,
        experiment: safeName(record.experiment),
        file: record.sourceFile,
        ...(record.cell !== undefined ? { cell: record.cell } : {}),
        sweep: {
          id: record.id,
          dir: sweepDirOf(record.runsDir, record.experiment, record.id),
          point: index,
          runsDir: record.runsDir,
          runDir: path.join(record.runsDir, point.runDir),
        },
      });
    }
  }

  /** Asks SLURM about the unfinished SLURM sweeps; polls again while any has tasks in its queue. */
  async pollScheduler(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let live = false;
    for (const { dir, record } of this.sweeps()) {
      if (record.executor !== 'slurm' || !record.slurm) continue;
      const states = await schedulerStates(record.slurm.jobIds).catch(() => new Map<number, string>());
      this.scheduler.set(dir, states);
      if ([...states.values()].some((s) => ['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING'].includes(s)))
        live = true;
    }
    this.changed.fire();
    if (live) {
      this.timer = setTimeout(() => void this.pollScheduler(), SLURM_POLL_MS);
      this.timer.unref();
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}
