// Turns whatever ended a run early into the sentence users read and the reason the run end records:
// an experiment that does not fit its data, a full or read-only disk, memory that ran out. Anything
// else keeps its own message (the engine's errors already say what went wrong).
import type { FailureReason } from '../../protocol/events';
import type { Experiment } from '../config/types';
import { ExperimentError } from '../config/problems';
import { DiskError, diskErrorOf } from '../store/diskErrors';
import { isAllocationFailure, memoryFailureMessage } from './memoryFailure';

export interface Failure {
  error: string;
  reason?: FailureReason;
}

/** The message and reason of an error that ended a run writing into `runDir`. */
export function explainFailure(caught: unknown, experiment: Experiment, runDir: string): Failure {
  if (caught instanceof ExperimentError) return { error: caught.message, reason: 'invalid experiment' };
  const disk = diskErrorOf(caught, runDir, "the run's files");
  if (disk)
    return {
      error:
        disk.reason === 'disk full'
          ? `${disk.message}, then resume the run from its last checkpoint (kd run --resume ${runDir}, or Resume in the Runs view)`
          : disk.message,
      reason: disk.reason,
    };
  if (isAllocationFailure(caught)) return { error: memoryFailureMessage(experiment), reason: 'out of memory' };
  return { error: caught instanceof Error ? caught.message : String(caught) };
}

/** The message of an error that ended a command before or outside a run (no run folder to record it in). */
export function messageOf(caught: unknown): string {
  if (caught instanceof DiskError) return caught.message;
  if (isAllocationFailure(caught))
    return 'a buffer could not be allocated: this needs more memory than it could get; make train.batchSize, the dataset or the model widths smaller';
  return caught instanceof Error ? caught.message : String(caught);
}
