// How a run's outcome maps to the exit codes of the runner and the `kd` CLI (the codes themselves
// are part of the runner contract, src/protocol/runner.ts).
import type { FailureReason, RunStatus } from '../../protocol/events';
import { RunnerExit } from '../../protocol/runner';
import { ExperimentError } from '../config';
import { UsageError } from './pickExperiment';

const EXIT_OF_STATUS: Record<RunStatus, RunnerExit> = {
  done: RunnerExit.Done,
  failed: RunnerExit.Failed,
  stopped: RunnerExit.Stopped,
  // A run that ends while still "running" did not finish: a failure.
  running: RunnerExit.Failed,
};

/** Maps a run's final status to an exit code: a run that failed because the experiment does not fit its data is invalid input. */
export function exitCodeOf(status: RunStatus, reason?: FailureReason): RunnerExit {
  if (status === 'failed' && reason === 'invalid experiment') return RunnerExit.Invalid;
  return EXIT_OF_STATUS[status];
}

/** Mistakes in the command or the file, as opposed to a run that broke. */
export function isInvalidInput(error: unknown): boolean {
  return (
    error instanceof ExperimentError ||
    error instanceof UsageError ||
    (error instanceof Error && error.name === 'CommanderError')
  );
}
