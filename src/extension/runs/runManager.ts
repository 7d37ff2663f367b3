// Starts, tracks and stops runner processes. Runs wait in a queue for one of
// `maxConcurrentRuns` slots; each one's JSON-line events are re-broadcast with its run folder,
// its stderr goes to the log, and its end is classified (done, failed, stopped, crashed).
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';
import * as vscode from 'vscode';
import { readRunConfig, safeName, type RunInfo } from '../../engine/store/runStore';
import { trainsAlone } from '../../shared/modelLabels';
import { RUNNERS_VARIABLE } from '../../engine/backend/threadPolicy';
import { parseEventLine, type RunEvent, type RunSummary } from '../../protocol/events';
import type { Settings } from '../config';
import type { RunEventMessage } from '../panelDeps';
import { classifyExit } from '../../protocol/runner';
import { runnerCommand, runRequest } from './runnerCommand';
import { RunQueue } from './runQueue';

export interface JobSpec {
  /** What the user sees: "synthetic", "mnist-hinton · kd-T4". */
  label: string;
  /** The run-store folder name of the experiment (groups queued jobs in the Runs view). */
  experiment: string;
  file?: string;
  cell?: string;
  resumeDir?: string;
  /** Start only after this job finished successfully (Run All). */
  after?: number;
  /** Set for one point of a sweep: the runner runs that point into its fixed run folder. */
  sweep?: SweepPointJob;
}

/** A sweep point as a job: which sweep, which point, and where its run goes. */
export interface SweepPointJob {
  id: string;
  /** The sweep folder (runs/<experiment>/sweeps/<id>). */
  dir: string;
  point: number;
  /** The runs directory of the sweep (where its record was written). */
  runsDir: string;
  /** The point's fixed run folder. */
  runDir: string;
}

export type OutcomeStatus = 'done' | 'failed' | 'stopped' | 'invalid' | 'crashed' | 'cancelled';

export interface RunOutcome {
  job: RunJob;
  status: OutcomeStatus;
  runDir?: string;
  /** Why a run failed, crashed or was cancelled. */
  message?: string;
  summary?: RunSummary;
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
}

export interface RunJob extends JobSpec {
  readonly id: number;
  readonly state: 'queued' | 'running' | 'ended';
  readonly runDir?: string;
  readonly pid?: number;
  readonly progress?: RunInfo['progress'];
  /** The latest total loss. */
  readonly loss?: number;
  /** Whether the run trains its model alone (a teacher cell), from the config its run stored; unknown before it started. */
  readonly alone?: boolean;
  /** Resolves when the job ended, whatever the way (never rejects). */
  readonly finished: Promise<RunOutcome>;
}

const STDERR_TAIL = 30;

/** How long a stopped runner has to finish its step and checkpoint before it is killed (one blocked in I/O ignores SIGTERM). */
export const STOP_GRACE_MS = 20_000;

/**
 * A sweep's runners share the cores: each is told how many run at once (KD_CONCURRENT_RUNNERS, as
 * `kd sweep --concurrency N` tells its runners) and its thread policy takes at most its share
 * (engine/backend/threadPolicy.ts); a KD_WASM_THREADS the user set still wins there.
 */
export function sweepPointEnv(env: NodeJS.ProcessEnv, concurrency: number): NodeJS.ProcessEnv {
  return { ...env, [RUNNERS_VARIABLE]: String(Math.max(1, concurrency)) };
}

class Job implements RunJob {
  state: 'queued' | 'running' | 'ended' = 'queued';
  runDir?: string;
  pid?: number;
  progress?: RunInfo['progress'];
  loss?: number;
  alone?: boolean;
  child?: ChildProcess;
  stopRequested = false;
  summary?: RunSummary;
  runEnd?: Extract<RunEvent, { type: 'run-end' }>;
  stderrTail: string[] = [];
  readonly finished: Promise<RunOutcome>;
  resolve!: (outcome: RunOutcome) => void;
  readonly label: string;
  readonly experiment: string;
  readonly file?: string;
  readonly cell?: string;
  readonly resumeDir?: string;
  readonly after?: number;
  readonly sweep?: SweepPointJob;

  constructor(readonly id: number, spec: JobSpec) {
    this.label = spec.label;
    this.experiment = spec.experiment;
    this.file = spec.file;
    this.cell = spec.cell;
    this.resumeDir = spec.resumeDir;
    this.after = spec.after;
    this.sweep = spec.sweep;
    this.runDir = spec.sweep?.runDir ?? spec.resumeDir;
    this.finished = new Promise((resolve) => (this.resolve = resolve));
  }
}

export interface RunManagerDeps {
  settings(): Settings;
  runnerPath: string;
  log: vscode.LogOutputChannel;
}

export class RunManager implements vscode.Disposable {
  private readonly queue = new RunQueue<Job>();
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private readonly runEvent = new vscode.EventEmitter<RunEventMessage>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly jobsChanged = new vscode.EventEmitter<void>();
  private readonly started = new vscode.EventEmitter<RunJob>();
  private readonly ended = new vscode.EventEmitter<RunOutcome>();

  /** Every event of every run this host started. */
  readonly onRunEvent = this.runEvent.event;
  /** Jobs were added, started, progressed or ended. */
  readonly onDidChange = this.changed.event;
  /** Jobs were added, started or ended (not fired for progress). */
  readonly onDidChangeJobs = this.jobsChanged.event;
  readonly onDidStart = this.started.event;
  readonly onDidEnd = this.ended.event;

  constructor(private readonly deps: RunManagerDeps) {}

  /** Queues a run; it starts as soon as a slot is free (and its predecessor succeeded). */
  enqueue(spec: JobSpec): RunJob {
    const job = new Job(this.nextId++, spec);
    this.jobs.set(job.id, job);
    this.queue.add(job);
    this.deps.log.info(`[${job.label}] queued${spec.resumeDir ? ` to resume ${spec.resumeDir}` : ''}`);
    this.fireJobsChanged();
    this.pump();
    return job;
  }

  /** Jobs queued or running, in the order they were added. */
  active(): RunJob[] {
    return [...this.jobs.values()].filter((j) => j.state !== 'ended');
  }

  job(id: number): RunJob | undefined {
    return this.jobs.get(id);
  }

  jobOfRunDir(runDir: string): RunJob | undefined {
    const wanted = path.resolve(runDir);
    return this.active().find((j) => j.runDir !== undefined && path.resolve(j.runDir) === wanted);
  }

  /**
   * Stops a job: a queued one leaves the queue (with the jobs waiting on it); a running one gets
   * SIGTERM, finishes its step, saves a checkpoint and exits. A second stop signals again, which
   * the runner takes as "exit now".
   */
  stop(id: number): boolean {
    const job = this.jobs.get(id);
    if (!job || job.state === 'ended') return false;
    if (job.state === 'queued') {
      for (const dropped of this.queue.cancel(id)) this.end(dropped, { job: dropped, status: 'cancelled', message: dropped === job ? 'removed from the queue' : `${job.label} was removed from the queue` });
      this.pump();
      return true;
    }
    job.stopRequested = true;
    this.deps.log.info(`[${job.label}] stop requested`);
    this.terminate(job);
    return true;
  }

  /** SIGTERM to the job's own child process, then SIGKILL if it has not exited after the grace period. */
  private terminate(job: Job): void {
    const child = job.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) {
        this.deps.log.warn(`[${job.label}] the runner did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
        child.kill('SIGKILL');
      }
    }, STOP_GRACE_MS);
    timer.unref();
    child.once('close', () => clearTimeout(timer));
  }

  dispose(): void {
    // Closing the window stops runs cleanly (each keeps a checkpoint) rather than orphaning them.
    for (const job of this.jobs.values()) {
      if (job.state === 'running') {
        job.stopRequested = true;
        this.terminate(job);
      }
    }
    this.runEvent.dispose();
    this.changed.dispose();
    this.jobsChanged.dispose();
    this.started.dispose();
    this.ended.dispose();
  }

  /** Starts queued runs that now fit (after maxConcurrentRuns was raised). */
  reschedule(): void {
    this.pump();
  }

  private pump(): void {
    const settings = this.deps.settings();
    for (const job of this.queue.take(settings.maxConcurrentRuns)) this.launch(job, settings);
  }

  private launch(job: Job, settings: Settings): void {
    const { log } = this.deps;
    job.state = 'running';
    let command;
    try {
      command = runnerCommand(runRequest(job, job.sweep?.runsDir ?? settings.runsDir, settings.backend), {
        runnerPath: this.deps.runnerPath,
        configuredNode: settings.nodePath,
        execPath: process.execPath,
        env: job.sweep ? sweepPointEnv(process.env, settings.maxConcurrentRuns) : process.env,
      });
    } catch (error) {
      this.finishJob(job, { job, status: 'crashed', message: (error as Error).message });
      return;
    }
    log.info(`[${job.label}] ${command.command} ${command.args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
    const child = spawn(command.command, command.args, {
      cwd: job.file ? path.dirname(job.file) : job.resumeDir,
      env: command.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    job.child = child;
    job.pid = child.pid;
    this.started.fire(job);
    this.fireJobsChanged();

    readline.createInterface({ input: child.stdout }).on('line', (line) => this.onStdout(job, line, settings.runsDir));
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      job.stderrTail.push(line);
      if (job.stderrTail.length > STDERR_TAIL) job.stderrTail.shift();
      log.info(`[${job.label}] ${line}`);
    });

    let spawnError: Error | undefined;
    child.on('error', (error) => {
      spawnError = error;
      log.error(`[${job.label}] cannot start the runner with ${command.command}: ${error.message}`);
      // When the process never started there is no 'close' to wait for.
      if (child.pid === undefined) this.finishJob(job, { job, status: 'crashed', message: `cannot start the runner with "${command.command}": ${error.message} (setting distillationStudio.nodePath)` });
    });
    child.on('close', (code, signal) => {
      if (job.state === 'ended') return;
      this.finishJob(job, this.outcomeOf(job, code, signal, spawnError));
    });
  }

  private onStdout(job: Job, line: string, runsDir: string): void {
    const event = parseEventLine(line);
    if (!event) {
      if (line.trim()) this.deps.log.info(`[${job.label}] ${line}`);
      return;
    }
    switch (event.type) {
      case 'run-start':
        job.runDir ??= path.join(runsDir, safeName(event.experiment), event.runId);
        job.pid = event.pid;
        // The run folder holds its resolved config before run-start is written: what model it trains is known from here on.
        job.alone = trainsAlone(readRunConfig(job.runDir));
        this.deps.log.info(`[${job.label}] run ${event.runId} on backend ${event.backend}${event.resumed ? ' (resumed)' : ''}: ${job.runDir}`);
        for (const note of event.backendNotes) this.deps.log.info(`[${job.label}] backend note: ${note}`);
        break;
      case 'stage-start':
        job.progress = { stage: event.stage, epoch: event.startEpoch, epochs: event.epochs, step: 0, stepsPerEpoch: event.stepsPerEpoch };
        this.deps.log.info(`[${job.label}] stage ${event.stage} (${event.role}): epochs ${event.startEpoch}–${event.epochs}, ${event.stepsPerEpoch} steps each, losses ${event.terms.join(', ')}`);
        break;
      case 'step':
        job.progress = { stage: event.stage, epoch: event.epoch, epochs: job.progress?.stage === event.stage ? job.progress.epochs : event.epoch, step: event.step, stepsPerEpoch: event.stepsPerEpoch, total: event.total };
        job.loss = event.total;
        break;
      case 'epoch': {
        const val = event.valAcc === null ? '' : `, val acc ${(event.valAcc * 100).toFixed(2)}%`;
        this.deps.log.info(`[${job.label}] ${event.stage} epoch ${event.epoch}/${event.epochs}: loss ${event.trainLoss.toFixed(4)}, train acc ${(event.trainAcc * 100).toFixed(2)}%${val}`);
        break;
      }
      case 'log':
        this.deps.log[event.level](`[${job.label}] ${event.message}`);
        break;
      case 'summary':
        job.summary = event.summary;
        break;
      case 'run-end':
        job.runEnd = event;
        this.deps.log.info(`[${job.label}] ${event.status}${event.error ? `: ${event.error}` : ''}`);
        break;
      default:
        break;
    }
    if (job.runDir) this.runEvent.fire({ runDir: job.runDir, event });
    if (event.type !== 'log') this.changed.fire();
  }

  private outcomeOf(job: Job, code: number | null, signal: NodeJS.Signals | null, spawnError: Error | undefined): RunOutcome {
    const base = { job, runDir: job.runDir, summary: job.summary, exitCode: code, signal };
    const lastStderr = job.stderrTail.filter((l) => l.trim()).pop();
    if (spawnError) return { ...base, status: 'crashed', message: spawnError.message };
    const end = classifyExit(code, signal);
    // A run asked to stop that died of the signal itself (before its handler was installed) is still a stop.
    if (job.stopRequested && (end.kind === 'stopped' || signal === 'SIGTERM')) return { ...base, status: 'stopped' };
    switch (end.kind) {
      case 'done':
        return { ...base, status: 'done' };
      case 'stopped':
        return { ...base, status: 'stopped' };
      case 'invalid':
        return { ...base, status: 'invalid', message: lastStderr ?? 'the experiment is invalid' };
      case 'failed':
        return { ...base, status: 'failed', message: job.runEnd?.error ?? job.summary?.error ?? lastStderr ?? 'the run failed' };
      case 'crashed':
        return { ...base, status: 'crashed', message: end.reason };
    }
  }

  private finishJob(job: Job, outcome: RunOutcome): void {
    this.end(job, outcome);
    for (const dropped of this.queue.finish(job.id, outcome.status === 'done')) {
      this.end(dropped, { job: dropped, status: 'cancelled', message: `not started: ${job.label} did not finish (${outcome.status})` });
    }
    this.pump();
  }

  private end(job: Job, outcome: RunOutcome): void {
    if (job.state === 'ended') return;
    job.state = 'ended';
    job.child = undefined;
    this.jobs.delete(job.id);
    const detail = outcome.message ? `: ${outcome.message}` : '';
    (outcome.status === 'failed' || outcome.status === 'crashed' || outcome.status === 'invalid' ? this.deps.log.error : this.deps.log.info).call(this.deps.log, `[${job.label}] ended ${outcome.status}${detail}`);
    job.resolve(outcome);
    this.ended.fire(outcome);
    this.fireJobsChanged();
  }

  private fireJobsChanged(): void {
    this.jobsChanged.fire();
    this.changed.fire();
  }
}
