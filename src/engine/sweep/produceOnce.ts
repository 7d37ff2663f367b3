// Makes something once for many processes that may need it at the same time (points of a sweep run
// side by side, or SLURM array tasks on several nodes sharing a filesystem): the first to take a lock
// file makes it; the others wait for it to appear and read it. The lock holds the maker's pid, start
// time and host, and its modification time is a heartbeat: a maker that died (its pid gone on this
// host, or no heartbeat for `staleMs` from another host) is replaced by the next process that looks.
import * as fs from 'fs';
import * as os from 'os';
import { lockIsLive, processStartTime, type RunLock } from '../store/runLock';

/** Thrown when a stop is requested while waiting for another process's result. */
export class WaitStopped extends Error {
  constructor(what: string) {
    super(`stopped while waiting for ${what}`);
    this.name = 'WaitStopped';
  }
}

/** The lock file's content: a run lock plus who took it, for messages. */
export interface MakerLock extends RunLock {
  owner: string;
}

export interface OnceOptions<T> {
  /** The lock file (created exclusively next to the result). */
  lockFile: string;
  /** What is being made, for messages. */
  what: string;
  /** Who makes it if this process does (a run id), recorded in the lock. */
  owner: string;
  /** The finished result, or undefined while there is none (or it fails its check). */
  read(): T | undefined;
  make(): Promise<T>;
  shouldStop(): boolean;
  /** Called once when this process starts waiting for another maker. */
  onWait?(holder: MakerLock): void;
  pollMs?: number;
  /** A lock from another host whose heartbeat is older than this is taken as dead. Default 10 minutes. */
  staleMs?: number;
}

function readMakerLock(file: string): { lock: MakerLock; mtimeMs: number } | undefined {
  try {
    const lock = JSON.parse(fs.readFileSync(file, 'utf8')) as MakerLock;
    if (!Number.isInteger(lock.pid) || typeof lock.host !== 'string') return undefined;
    return { lock, mtimeMs: fs.statSync(file).mtimeMs };
  } catch {
    return undefined;
  }
}

function isLive(held: { lock: MakerLock; mtimeMs: number }, staleMs: number): boolean {
  if (held.lock.host !== os.hostname()) return Date.now() - held.mtimeMs < staleMs;
  return lockIsLive(held.lock);
}

function tryLock(file: string, owner: string): boolean {
  const mine: MakerLock = {
    pid: process.pid,
    startTime: processStartTime(process.pid) ?? null,
    host: os.hostname(),
    since: new Date().toISOString(),
    owner,
  };
  try {
    const fd = fs.openSync(file, 'wx');
    fs.writeSync(fd, JSON.stringify(mine) + '\n');
    fs.closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Sets a dead lock aside by rename: of two processes doing this, one rename fails and that one looks again. */
function removeDeadLock(file: string): void {
  const aside = `${file}.dead-${process.pid}`;
  try {
    fs.renameSync(file, aside);
    fs.rmSync(aside, { force: true });
  } catch {
    // Another process moved it first.
  }
}

/** A lock file that cannot be read for this long was left empty or torn by a maker that died. */
const UNREADABLE_MS = 10_000;

function unreadableFor(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The result: read when it exists, made here when this process takes the lock, else waited for. */
export async function produceOnce<T>(options: OnceOptions<T>): Promise<T> {
  const pollMs = options.pollMs ?? 500;
  const staleMs = options.staleMs ?? 10 * 60_000;
  let waiting = false;
  for (;;) {
    const ready = options.read();
    if (ready !== undefined) return ready;
    if (tryLock(options.lockFile, options.owner)) {
      // A heartbeat for processes on other hosts, which cannot see whether this pid lives.
      const heartbeat = setInterval(
        () => {
          const now = new Date();
          fs.utimes(options.lockFile, now, now, () => undefined);
        },
        Math.max(1000, staleMs / 4),
      );
      heartbeat.unref();
      try {
        // Made by another process between our read and our lock.
        return options.read() ?? (await options.make());
      } finally {
        clearInterval(heartbeat);
        fs.rmSync(options.lockFile, { force: true });
      }
    }
    const held = readMakerLock(options.lockFile);
    if (!held && unreadableFor(options.lockFile) > UNREADABLE_MS) {
      // Its maker died between creating the file and writing it.
      removeDeadLock(options.lockFile);
      continue;
    }
    if (held && !isLive(held, staleMs)) {
      removeDeadLock(options.lockFile);
      continue;
    }
    if (held && !waiting) {
      waiting = true;
      options.onWait?.(held.lock);
    }
    if (options.shouldStop()) throw new WaitStopped(options.what);
    await sleep(pollMs);
  }
}
