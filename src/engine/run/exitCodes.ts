// Exit codes shared by the runner and the `kd` CLI, so scripts and the extension can rely on them.
import type { RunStatus } from '../../protocol/events';
import { ExperimentError } from '../config';
import { UsageError } from './pickExperiment';

export const EXIT = { done: 0, failed: 1, invalid: 2, stopped: 130 } as const;

/** Maps a run's final status to an exit code. */
export function exitCodeOf(status: RunStatus): number {
  return status === 'running' ? EXIT.failed : EXIT[status];
}

/** Mistakes in the command or the file, as opposed to a run that broke. */
export function isInvalidInput(error: unknown): boolean {
  return (
    error instanceof ExperimentError ||
    error instanceof UsageError ||
    (error instanceof Error && error.name === 'CommanderError')
  );
}
