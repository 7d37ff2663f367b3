// Finds the runs of an experiment (a file, or one cell of it) in the run store.
import * as path from 'path';
import { listRuns, type RunInfo } from '../../engine/store/runStore';

function samePath(a: string, b: string): boolean {
  const x = path.resolve(a);
  const y = path.resolve(b);
  return process.platform === 'win32' || process.platform === 'darwin' ? x.toLowerCase() === y.toLowerCase() : x === y;
}

/** True when a run of `sourceFile`/`cell` belongs to the experiment `file`/`cell`. */
export function sameExperiment(
  run: { sourceFile?: string; cell?: string },
  file: string,
  cell: string | undefined,
): boolean {
  return (
    run.sourceFile !== undefined && samePath(run.sourceFile, file) && (run.cell ?? undefined) === (cell ?? undefined)
  );
}

/** The newest run of an experiment, if any. */
export function newestRunOf(runsDir: string, file: string, cell: string | undefined): RunInfo | undefined {
  return listRuns(runsDir).find((run) => run.config !== undefined && sameExperiment(run.config, file, cell));
}

/** Every run of an experiment by its run-store name, newest first. */
export function runsOfExperiment(runsDir: string, experiment: string): RunInfo[] {
  return listRuns(runsDir).filter(
    (run) => run.experiment === experiment || run.summary?.experiment === experiment || run.config?.name === experiment,
  );
}
