// Which stored runs belong to a file's experiment or one of its cells: the resolved config each run
// keeps records the source file and cell, so renaming the experiment does not lose its history.
import * as path from 'path';
import type { RunInfo } from '../../engine/store/runStore';

function samePath(a: string, b: string): boolean {
  const na = path.resolve(a);
  const nb = path.resolve(b);
  return process.platform === 'win32' || process.platform === 'darwin'
    ? na.toLowerCase() === nb.toLowerCase()
    : na === nb;
}

/** Runs of `file` (and `cell`; undefined for a single-experiment file), in the given order. */
export function runsOfCell(runs: RunInfo[], file: string, cell: string | undefined): RunInfo[] {
  return runs.filter((run) => {
    const source = run.config?.sourceFile ?? run.summary?.sourceFile;
    const runCell = run.config ? run.config.cell : run.summary?.cell;
    return source !== undefined && samePath(source, file) && runCell === cell;
  });
}
