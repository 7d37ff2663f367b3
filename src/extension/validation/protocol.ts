// The messages between the editor and its validation worker: a file's text goes in, its problems
// come out. Kept apart so both sides import the same shapes and nothing else of each other.
import type { AnalyseOptions, Problem } from '../../engine/config';
import type { ExperimentFile } from '../../engine/config/types';

export interface ValidateRequest {
  id: number;
  file: string;
  text: string;
  /** `runsDir`: the run store, for the checks of cells reused before they have a finished run. */
  options: Pick<AnalyseOptions, 'confineTo' | 'memoryLimitGB'> & { runsDir?: string };
}

export interface ValidateResponse {
  id: number;
  problems: Problem[];
  /** The experiments, when the file has no error (plain data: it crosses the thread as is). */
  file?: ExperimentFile;
}
