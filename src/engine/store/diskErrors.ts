// A run that cannot write (a full disk, a read-only disk, a folder it may not write) must say so in
// words, naming the folder, instead of "ENOSPC: no space left on device, write" or Node's misleading
// "ENOENT … mkdir" (what a recursive mkdir reports on a read-only file system).
import * as fs from 'fs';
import * as path from 'path';
import type { FailureReason } from '../../protocol/events';

export type DiskFailure = Extract<FailureReason, 'disk full' | 'read-only' | 'permission denied'>;

/** A write into the run store failed for a reason of the disk, not of the run. */
export class DiskError extends Error {
  constructor(
    readonly reason: DiskFailure,
    /** The folder that could not be written. */
    readonly folder: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DiskError';
  }
}

const SENTENCES: Record<DiskFailure, string> = {
  'disk full': 'the disk is full',
  'read-only': 'the disk is read-only',
  'permission denied': 'permission denied (this user may not write there)',
};

function errnoOf(error: unknown): NodeJS.ErrnoException | undefined {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string'
    ? (error as NodeJS.ErrnoException)
    : undefined;
}

function failureOfCode(code: string | undefined): DiskFailure | undefined {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'disk full';
    case 'EROFS':
      return 'read-only';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return undefined;
  }
}

/** The nearest folder at or above `target` that exists. */
function nearestExisting(target: string): string {
  let dir = path.resolve(target);
  while (!fs.existsSync(dir)) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dir;
}

/** Why `folder` (or its nearest existing parent) cannot be written, asked of the system (root included: EROFS). */
function probeWritable(folder: string): { failure?: DiskFailure; at: string } {
  const at = nearestExisting(folder);
  try {
    fs.accessSync(at, fs.constants.W_OK);
    return { at };
  } catch (error) {
    return { failure: failureOfCode(errnoOf(error)?.code), at };
  }
}

/**
 * The disk's reason for a failed write into `folder`, as a DiskError whose message names the folder
 * and what to do; undefined when the error is not about the disk. A "missing folder" error from
 * mkdir is checked against the disk, since that is how Node reports a read-only one.
 */
export function diskErrorOf(error: unknown, folder: string, writing: string): DiskError | undefined {
  if (error instanceof DiskError) return error;
  const errno = errnoOf(error);
  if (!errno) return undefined;
  let failure = failureOfCode(errno.code);
  let where = folder;
  if (!failure && errno.code === 'ENOENT' && errno.syscall === 'mkdir') {
    const probe = probeWritable(errno.path ?? folder);
    failure = probe.failure;
    where = probe.at;
  }
  if (!failure) return undefined;
  const advice =
    failure === 'disk full'
      ? 'free some space or choose another runs folder'
      : 'choose a runs folder on a writable disk (kd --runs-dir, or the distillationStudio.runsDirectory setting)';
  return new DiskError(failure, where, `cannot write ${writing} in ${where}: ${SENTENCES[failure]}; ${advice}`, {
    cause: error,
  });
}

/** Runs `write`; a failure of the disk is rethrown as a DiskError naming `folder`. */
export function writingIn<T>(folder: string, writing: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw diskErrorOf(error, folder, writing) ?? error;
  }
}
