// Reads the run store for the views without re-parsing every events.jsonl on each refresh: a run's
// info is re-read only when its files changed, or while it claims to be running (its runner may
// have died without writing anything, which only a fresh read notices).
import * as fs from 'fs';
import * as path from 'path';
import { CONFIG_FILE, EVENTS_FILE, readRun, SUMMARY_FILE, type RunInfo } from '../../engine/store/runStore';

interface Entry {
  stamp: string;
  info: RunInfo;
}

function stampOf(dir: string): string | undefined {
  const parts: string[] = [];
  for (const file of [CONFIG_FILE, EVENTS_FILE, SUMMARY_FILE]) {
    try {
      const stat = fs.statSync(path.join(dir, file));
      parts.push(`${stat.size}:${stat.mtimeMs}`);
    } catch {
      if (file === CONFIG_FILE) return undefined; // not a run folder (yet)
      parts.push('-');
    }
  }
  return parts.join('|');
}

function subdirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

export class RunCache {
  private readonly entries = new Map<string, Entry>();

  /** Every run under `runsDir`, newest first (the order of listRuns). */
  list(runsDir: string): RunInfo[] {
    const seen = new Set<string>();
    const runs: RunInfo[] = [];
    for (const experiment of subdirs(runsDir)) {
      for (const id of subdirs(path.join(runsDir, experiment))) {
        const dir = path.join(runsDir, experiment, id);
        const stamp = stampOf(dir);
        if (stamp === undefined) continue;
        seen.add(dir);
        let entry = this.entries.get(dir);
        if (!entry || entry.stamp !== stamp || entry.info.status === 'running') {
          entry = { stamp, info: readRun(dir) };
          this.entries.set(dir, entry);
        }
        runs.push(entry.info);
      }
    }
    for (const dir of [...this.entries.keys()]) if (!seen.has(dir)) this.entries.delete(dir);
    return runs.sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
  }
}
