// The runs of one experiment file, per cell: stored ones from the run index, live ones from the
// run manager. Shared by the CodeLenses and the inline outcomes so both always agree.
import * as path from 'path';
import type { RunIndex } from '../runs/runIndex';
import type { RunManager } from '../runs/runManager';
import { runsOfCell } from './cellRuns';
import type { ActiveRun } from './lensModel';

export interface FileState {
  runsOf(cell: string | undefined): ReturnType<RunIndex['runs']>;
  activeOf(cell: string | undefined): ActiveRun | undefined;
}

export function fileState(file: string, index: RunIndex, manager: RunManager): FileState {
  const runs = index.runs();
  const resolved = path.resolve(file);
  const jobs = manager.active();
  return {
    runsOf: (cell) => runsOfCell(runs, file, cell),
    activeOf: (cell) => {
      // A resumed run belongs to the cell its stored config names.
      const job = jobs.find((j) => {
        if (j.file !== undefined) return path.resolve(j.file) === resolved && j.cell === cell;
        const run = j.resumeDir ? index.find(j.resumeDir) : undefined;
        return run !== undefined && runsOfCell([run], file, cell).length === 1;
      });
      if (!job) return undefined;
      return job.state === 'queued'
        ? { state: 'queued', jobId: job.id }
        : { state: 'running', jobId: job.id, runDir: job.runDir, progress: job.progress, loss: job.loss };
    },
  };
}
