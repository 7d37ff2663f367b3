// The lock a runner holds on its run folder while it runs: its pid, the start time of that process
// (from /proc/<pid>/stat, so a pid reused by another process is told apart) and the host. Whether a
// run is live, whether it may be resumed or deleted, and whether a process may be signalled to stop
// it are decided from this lock, checked against the live process, never from a pid in the events.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const LOCK_FILE = 'run.lock';

export interface RunLock {
  pid: number;
  /** The process's start time in clock ticks after boot (field 22 of /proc/<pid>/stat); null where there is no /proc. */
  startTime: number | null;
  host: string;
  /** When the lock was taken (for messages). */
  since: string;
}

/** Thrown when a run folder is held by a live runner. */
export class RunBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly lock: RunLock,
  ) {
    super(
      `${dir}: the run is still running (process ${lock.pid} on ${lock.host}, since ${lock.since}); stop it first or wait for it to end`,
    );
    this.name = 'RunBusyError';
  }
}

/** The start time of a process, or undefined when it does not exist (or /proc is unavailable). */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function hasProc(): boolean {
  return fs.existsSync('/proc/self/stat');
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dir: string): RunLock | undefined {
  try {
    const value = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as Partial<RunLock>;
    if (!Number.isInteger(value.pid) || typeof value.host !== 'string') return undefined;
    return {
      pid: value.pid as number,
      startTime: typeof value.startTime === 'number' ? value.startTime : null,
      host: value.host,
      since: typeof value.since === 'string' ? value.since : '?',
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether the process that took `lock` still runs. On another host nothing can be checked, so the
 * lock is taken at its word; here the pid must exist with the same start time.
 */
export function lockIsLive(lock: RunLock): boolean {
  if (lock.host !== os.hostname()) return true;
  if (lock.startTime === null || !hasProc()) return pidExists(lock.pid);
  return processStartTime(lock.pid) === lock.startTime;
}

/** The live lock on a run folder, if any. */
export function liveLock(dir: string): RunLock | undefined {
  const lock = readLock(dir);
  return lock && lockIsLive(lock) ? lock : undefined;
}

function ownLock(): RunLock {
  return {
    pid: process.pid,
    startTime: processStartTime(process.pid) ?? null,
    host: os.hostname(),
    since: new Date().toISOString(),
  };
}

/**
 * Takes the lock of a run folder for this process, or throws RunBusyError when a live runner holds
 * it. A dead lock (its process gone, or its pid now another process) is replaced. Exclusive creation
 * makes two processes racing for one folder end with one winner.
 */
export function acquireLock(dir: string): RunLock {
  const file = path.join(dir, LOCK_FILE);
  const mine = ownLock();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, JSON.stringify(mine) + '\n');
      fs.closeSync(fd);
      return mine;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = readLock(dir);
    if (held && lockIsLive(held)) throw new RunBusyError(dir, held);
    // Set the dead lock aside by rename: of two processes doing this, one rename fails and that one retries.
    try {
      fs.renameSync(file, `${file}.dead-${process.pid}`);
      fs.rmSync(`${file}.dead-${process.pid}`, { force: true });
    } catch {
      // Another process moved it first.
    }
  }
  const held = readLock(dir);
  if (held) throw new RunBusyError(dir, held);
  throw new Error(`${dir}: cannot take the run's lock`);
}

/** Releases the lock if this process holds it. */
export function releaseLock(dir: string): void {
  const held = readLock(dir);
  if (held && held.pid === process.pid && held.host === os.hostname())
    fs.rmSync(path.join(dir, LOCK_FILE), { force: true });
}

/**
 * True when `pid` is verifiably the runner of the run in `dir`: it is the process of the run's live
 * lock (same start time) and it holds the run's events file open. Anything less is not signalled.
 */
export function isRunnerOf(dir: string, pid: number): boolean {
  const lock = liveLock(dir);
  if (!lock || lock.pid !== pid || lock.host !== os.hostname() || lock.startTime === null) return false;
  let events: string;
  try {
    events = fs.realpathSync(path.join(dir, 'events.jsonl'));
  } catch {
    return false;
  }
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === events) return true;
      } catch {
        // The descriptor closed while we looked.
      }
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * Stops the runner of a run started elsewhere (the kd CLI): SIGTERM to the verified runner, then
 * SIGKILL after `graceMs` if it is still that runner. Returns what was done, for the log.
 */
export function signalRunner(dir: string, graceMs: number, onKill?: (message: string) => void): string {
  const lock = liveLock(dir);
  if (!lock) return 'no live runner holds this run';
  if (!isRunnerOf(dir, lock.pid))
    return `process ${lock.pid} could not be verified as this run's runner; not signalled`;
  process.kill(lock.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (isRunnerOf(dir, lock.pid)) {
      process.kill(lock.pid, 'SIGKILL');
      onKill?.(`process ${lock.pid} did not stop within ${graceMs / 1000} s; killed`);
    }
  }, graceMs);
  timer.unref();
  return `sent SIGTERM to process ${lock.pid}`;
}
