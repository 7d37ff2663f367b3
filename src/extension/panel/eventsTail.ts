// Follows a run's events.jsonl from a byte offset: each read returns the complete lines appended
// since the last one and keeps a partly written last line for the next read. The file is the one
// source of a run's events, so a panel that reads it never shows an event twice or misses one,
// whether the run belongs to this window, another window, or the CLI.
import * as fs from 'fs';
import * as path from 'path';
import { parseEventLine, type RunEvent } from '../../protocol/events';
import { EVENTS_FILE } from '../../engine/store/runStore';

export class EventsTail {
  private offset = 0;
  private partial = '';

  constructor(readonly runDir: string) {}

  get file(): string {
    return path.join(this.runDir, EVENTS_FILE);
  }

  /** Starts over from the beginning of the file. */
  reset(): void {
    this.offset = 0;
    this.partial = '';
  }

  /** The events appended since the last read. */
  read(): RunEvent[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return [];
    }
    try {
      const size = fs.fstatSync(fd).size;
      // A file shorter than what was read was replaced: read it again from the start.
      if (size < this.offset) this.reset();
      if (size === this.offset) return [];
      const buffer = Buffer.alloc(size - this.offset);
      const read = fs.readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset += read;
      const text = this.partial + buffer.subarray(0, read).toString('utf8');
      const end = text.lastIndexOf('\n');
      this.partial = end < 0 ? text : text.slice(end + 1);
      const complete = end < 0 ? '' : text.slice(0, end);
      const events: RunEvent[] = [];
      for (const line of complete.split('\n')) {
        const event = parseEventLine(line);
        if (event) events.push(event);
      }
      return events;
    } finally {
      fs.closeSync(fd);
    }
  }
}
