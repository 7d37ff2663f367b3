// `kd compare`: runs and sweeps side by side. Sweep folders expand into their points' runs; runs
// that differ only by seed are grouped (by default for sweeps) with mean ± std and the paired KD gain.
import * as fs from 'fs';
import * as path from 'path';
import { compareRuns } from '../engine/sweep/stats';
import { isSweepDir, readSweepRecord, sweepRuns } from '../engine/sweep/store';
import { readRun, type RunInfo } from '../engine/store/runStore';
import { UsageError } from '../engine/run/pickExperiment';
import { formatComparison } from './tables';
import { groupsCsv, groupsMarkdown, groupsTable } from './sweep/report';

export interface CompareOptions {
  groupBy?: string;
  format: string;
}

function runsOf(dir: string): { runs: RunInfo[]; sweep: boolean } {
  const absolute = path.resolve(dir);
  if (isSweepDir(absolute)) {
    const runs = sweepRuns(readSweepRecord(absolute)).filter((r): r is RunInfo => r !== undefined);
    return { runs, sweep: true };
  }
  if (!fs.existsSync(path.join(absolute, 'config.json')))
    throw new UsageError(`${dir}: neither a run folder (no config.json) nor a sweep folder (no sweep.json)`);
  return { runs: [readRun(absolute)], sweep: false };
}

export function compareCommand(dirs: string[], options: CompareOptions): string {
  if (options.groupBy !== undefined && options.groupBy !== 'seed' && options.groupBy !== 'none')
    throw new UsageError(`--group-by takes "seed" or "none", got "${options.groupBy}"`);
  const found = dirs.map(runsOf);
  const runs = found.flatMap((f) => f.runs);
  // Sweeps are grouped by seed unless told otherwise; plain run folders only with --group-by seed.
  const bySeed = options.groupBy === undefined ? found.some((f) => f.sweep) : options.groupBy === 'seed';
  const comparison = compareRuns(runs, { bySeed });
  switch (options.format) {
    case 'json':
      return JSON.stringify(comparison, null, 2);
    case 'csv':
      return groupsCsv(comparison);
    case 'md':
      return groupsMarkdown(comparison);
    case 'table': {
      if (!bySeed) {
        const summaries = runs.flatMap((r) => (r.summary ? [r.summary] : []));
        if (summaries.length === 0) throw new UsageError('none of these runs has a summary yet');
        return formatComparison(summaries);
      }
      return groupsTable(comparison);
    }
    default:
      throw new UsageError(`--format takes table, csv, md or json, got "${options.format}"`);
  }
}
