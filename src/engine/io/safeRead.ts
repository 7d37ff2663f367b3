// Reads a file named by a user without trusting what it is: a device, a FIFO or a folder is refused
// before any byte is read (a FIFO is opened non-blocking so it cannot hang the reader), a regular
// file over the size limit is refused without reading it, and errors become sentences, not errno codes.
import * as fs from 'fs';

/** Experiment files are small; anything larger is a mistake, not an experiment. */
export const EXPERIMENT_FILE_LIMIT = 5 * 1024 * 1024;

export type ReadOutcome = { text: string } | { error: string };

/** What kind of thing a stat describes, for messages ("a FIFO", "a folder"). */
export function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** A sentence for a failed open or read. */
export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'ENOTDIR':
      return 'file not found (a part of its path is not a folder)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENAMETOOLONG':
      return 'the path is too long for this system';
    case 'ELOOP':
      return 'too many symbolic links in the path';
    case 'EISDIR':
      return 'expected a file, found a folder';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is exhausted';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return `cannot read the file (${code ?? (error as Error | undefined)?.message ?? 'unknown error'})`;
  }
}

/** A UTF-8 byte order mark is accepted and dropped: editors on some systems write one. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Opens a path for reading without blocking on FIFOs; fails on anything but a regular file under `limit` bytes. */
export function openRegularFile(file: string, limit: number): { fd: number; size: number } | { error: string } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    return { error: describeIoError(error) };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      fs.closeSync(fd);
      return { error: `expected a regular file, found ${kindOf(stat)}` };
    }
    if (stat.size > limit) {
      fs.closeSync(fd);
      return { error: `the file is too large (${formatBytes(stat.size)}; the limit is ${formatBytes(limit)})` };
    }
    return { fd, size: stat.size };
  } catch (error) {
    fs.closeSync(fd);
    return { error: describeIoError(error) };
  }
}

/** The whole text of a regular file of at most `limit` bytes (BOM removed), or why it cannot be read. */
export function readTextFileSafely(file: string, limit = EXPERIMENT_FILE_LIMIT): ReadOutcome {
  const opened = openRegularFile(file, limit);
  if ('error' in opened) return opened;
  try {
    // Read at most limit + 1 bytes: a file that grew after fstat is still refused, never read whole.
    const buffer = Buffer.alloc(Math.min(opened.size, limit) + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = fs.readSync(opened.fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > limit) return { error: `the file is too large (over ${formatBytes(limit)})` };
    return { text: stripBom(buffer.subarray(0, length).toString('utf8')) };
  } catch (error) {
    return { error: describeIoError(error) };
  } finally {
    fs.closeSync(opened.fd);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
