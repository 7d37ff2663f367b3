// The run store: runs/<experiment>/<run-id>/ holding config.json, events.jsonl, summary.json,
// checkpoints/ and run.log. A run's status is derived from these files alone, so every reader
// (runner, CLI, extension) agrees, even after a crash.
import * as fs from 'fs';
import * as path from 'path';
import { parseEventLine, type RunEvent, type RunStatus, type RunSummary } from '../../protocol/events';
import type { Experiment } from '../config/types';
import { writeJsonAtomic } from './atomic';
import { diskErrorOf } from './diskErrors';
import { acquireLock, liveLock, LOCK_FILE, RunBusyError } from './runLock';

export const CONFIG_FILE = 'config.json';
export const EVENTS_FILE = 'events.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const LOG_FILE = 'run.log';
export const CHECKPOINTS_DIR = 'checkpoints';
/** Text datasets: the vocabulary and label mapping the run's models read (TextVocabulary). */
export const VOCAB_FILE = 'vocab.json';

/** What a reader learns about a run from its files. */
export interface RunInfo {
  experiment: string;
  runId: string;
  dir: string;
  status: RunStatus;
  /** Set when the status was inferred from a runner that is gone without writing its end. */
  crashed: boolean;
  config?: Experiment;
  summary?: RunSummary;
  startedAt?: string;
  pid?: number;
  /** Latest stage, epoch and step seen, for progress displays. */
  progress?: { stage: string; epoch: number; epochs: number; step: number; stepsPerEpoch: number; total?: number };
  error?: string;
}

/** A sortable, readable, unique run id: 20261123-201500-3fa9. */
export function newRunId(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `${stamp}-${Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0')}`;
}

/**
 * Creates the folder of a new run complete: its resolved config, its first events and this
 * process's lock are written under a hidden temporary name, which one rename makes visible, so no
 * reader ever sees a run without its start (a kill before the rename leaves only a hidden folder).
 */
export function createRunDir(
  runsDir: string,
  experiment: Experiment,
  firstEvents: RunEvent[] = [],
  runId = newRunId(),
): string {
  const parent = pathInside(runsDir, safeName(experiment.name));
  const dir = pathInside(parent, safeName(runId));
  const hidden = pathInside(parent, `.new-${safeName(runId)}`);
  try {
    fs.mkdirSync(path.join(hidden, CHECKPOINTS_DIR), { recursive: true });
    acquireLock(hidden);
    writeJsonAtomic(path.join(hidden, CONFIG_FILE), experiment);
    fs.writeFileSync(path.join(hidden, EVENTS_FILE), firstEvents.map((e) => JSON.stringify(e) + '\n').join(''));
    fs.renameSync(hidden, dir);
  } catch (error) {
    // A run that could not be made complete is not left half-made (a full disk fails mid-way).
    try {
      fs.rmSync(hidden, { recursive: true, force: true });
    } catch {
      // A read-only disk: nothing was made.
    }
    throw diskErrorOf(error, parent, 'a new run folder') ?? error;
  }
  return dir;
}

/**
 * Removes hidden folders of runs whose creation was interrupted: their lock is dead, or they have
 * none and are older than `minAgeMs` (a folder is locked right after it is made).
 */
export function removeUnbornRuns(runsDir: string, experiment: string, minAgeMs = 5_000): void {
  const parent = path.join(runsDir, safeName(experiment));
  let names: string[];
  try {
    names = fs.readdirSync(parent).filter((n) => n.startsWith('.new-'));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(parent, name);
    try {
      const locked = fs.existsSync(path.join(dir, LOCK_FILE));
      const stale = locked ? !liveLock(dir) : Date.now() - fs.statSync(dir).mtimeMs >= minAgeMs;
      if (stale) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone already.
    }
  }
}

/** Experiment names become folder names: keep them portable, and never `.` or `..` (a folder outside). */
export function safeName(name: string): string {
  const portable = name.replace(/[^A-Za-z0-9._-]+/g, '_');
  return portable === '' || /^\.+$/.test(portable) ? portable.replace(/\./g, '_') || '_' : portable;
}

/** `root/parts…`, refused when it would not lie strictly inside `root` (every path a run writes goes through here). */
export function pathInside(root: string, ...parts: string[]): string {
  const base = path.resolve(root);
  const target = path.resolve(base, ...parts);
  const relative = path.relative(base, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative))
    throw new Error(`refusing to write outside the runs folder: ${target} is not inside ${base}`);
  return target;
}

/** Appends events and log lines to a run folder. Appends are synchronous so a kill loses nothing already emitted. */
export class RunWriter {
  private readonly eventsFd: number;
  private readonly logFd: number;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.eventsFd = fs.openSync(path.join(dir, EVENTS_FILE), 'a');
    this.logFd = fs.openSync(path.join(dir, LOG_FILE), 'a');
  }

  appendEvent(event: RunEvent): void {
    fs.writeSync(this.eventsFd, JSON.stringify(event) + '\n');
  }

  log(line: string): void {
    fs.writeSync(this.logFd, `${new Date().toISOString()} ${line}\n`);
  }

  writeSummary(summary: RunSummary): void {
    writeJsonAtomic(path.join(this.dir, SUMMARY_FILE), summary);
  }

  checkpointDir(stage: string): string {
    return pathInside(this.dir, CHECKPOINTS_DIR, safeName(stage));
  }

  close(): void {
    fs.closeSync(this.eventsFd);
    fs.closeSync(this.logFd);
  }
}

export function readEvents(dir: string): RunEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, EVENTS_FILE), 'utf8');
  } catch {
    return [];
  }
  const events: RunEvent[] = [];
  for (const line of text.split('\n')) {
    const event = parseEventLine(line);
    if (event) events.push(event);
  }
  return events;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** True when a process with this pid exists (signal 0 checks without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Folds a run's events into its status and progress. `isAlive` says whether the runner still runs
 * (readRun answers from the run's lock, not from the pid the events name).
 */
export function foldEvents(
  events: RunEvent[],
  isAlive: (pid: number | undefined) => boolean,
): Pick<RunInfo, 'status' | 'crashed' | 'startedAt' | 'pid' | 'progress' | 'error'> {
  let status: RunStatus = 'running';
  let crashed = false;
  let startedAt: string | undefined;
  let pid: number | undefined;
  let error: string | undefined;
  let ended = false;
  let progress: RunInfo['progress'];
  const epochsByStage = new Map<string, number>();
  for (const event of events) {
    switch (event.type) {
      case 'run-start':
        // A resumed run appends a second run-start: the run is live again.
        startedAt ??= event.time;
        pid = event.pid;
        ended = false;
        status = 'running';
        error = undefined;
        break;
      case 'stage-start':
        epochsByStage.set(event.stage, event.epochs);
        progress = {
          stage: event.stage,
          epoch: event.startEpoch,
          epochs: event.epochs,
          step: 0,
          stepsPerEpoch: event.stepsPerEpoch,
        };
        break;
      case 'step':
        progress = {
          stage: event.stage,
          epoch: event.epoch,
          epochs: epochsByStage.get(event.stage) ?? event.epoch,
          step: event.step,
          stepsPerEpoch: event.stepsPerEpoch,
          total: event.total,
        };
        break;
      case 'run-end':
        ended = true;
        status = event.status;
        error = event.error;
        break;
      default:
        break;
    }
  }
  if (!ended && !isAlive(pid)) {
    status = 'failed';
    crashed = true;
    error = 'the runner exited without finishing (crash or kill); resume continues from the last checkpoint';
  }
  return { status, crashed, startedAt, pid, progress, error };
}

/** The resolved experiment a run stored (its config.json), or undefined when it cannot be read. */
export function readRunConfig(dir: string): Experiment | undefined {
  return readJson<Experiment>(path.join(dir, CONFIG_FILE));
}

export function readRun(dir: string): RunInfo {
  const runId = path.basename(dir);
  const experiment = path.basename(path.dirname(dir));
  const config = readRunConfig(dir);
  const events = readEvents(dir);
  // summary.json, or (a disk that filled up at the end) the summary event that precedes the run end.
  const summary =
    readJson<RunSummary>(path.join(dir, SUMMARY_FILE)) ??
    events.reduce<RunSummary | undefined>((found, e) => (e.type === 'summary' ? e.summary : found), undefined);
  const folded = foldEvents(events, () => liveLock(dir) !== undefined);
  return { experiment, runId, dir, config, summary, ...folded };
}

/** Every run under a runs directory, newest first. */
export function listRuns(runsDir: string): RunInfo[] {
  const runs: RunInfo[] = [];
  let experiments: string[];
  try {
    experiments = fs.readdirSync(runsDir);
  } catch {
    return runs;
  }
  for (const experiment of experiments) {
    const experimentDir = path.join(runsDir, experiment);
    let ids: string[];
    try {
      ids = fs
        .readdirSync(experimentDir)
        .filter((id) => !id.startsWith('.') && fs.existsSync(path.join(experimentDir, id, CONFIG_FILE)));
    } catch {
      continue;
    }
    for (const id of ids) runs.push(readRun(path.join(experimentDir, id)));
  }
  return runs.sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
}

/** The newest run of an experiment that finished, for `fromCell` reuse. */
export function latestFinishedRun(runsDir: string, experiment: string): RunInfo | undefined {
  return listRuns(runsDir).find((run) => run.experiment === safeName(experiment) && run.status === 'done');
}

/** Deletes a run folder, refusing one whose runner is alive (RunBusyError); an experiment folder left empty goes too. */
export function deleteRun(dir: string): void {
  const lock = liveLock(dir);
  if (lock) throw new RunBusyError(dir, lock);
  fs.rmSync(dir, { recursive: true, force: true });
  const parent = path.dirname(dir);
  try {
    if (fs.readdirSync(parent).length === 0) fs.rmdirSync(parent);
  } catch {
    // Gone or not empty.
  }
}
