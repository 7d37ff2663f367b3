// What a model is called, in one place: a run that trains its model with no teacher (a teacher
// cell) makes a teacher, not a distilled student; a model loaded or reused was not trained in the
// run, so it has no epoch; a stopped run counts the epochs it completed. The lenses, the inline
// outcomes, the tree's texts and the panel's table all take their words from here.
import type { ModelMetrics, RunSummary } from '../protocol/events';

/** As much of a resolved experiment as the words need (the run's stored config). */
export interface ExperimentShape {
  teacher?: unknown;
  distill?: { scheme?: string };
}

/**
 * True when the run trains one model on labels alone: no teacher, no peers, no generations. Decided
 * from the run's config where it is known, else from its summary (no model other than students).
 */
export function trainsAlone(
  config: ExperimentShape | undefined,
  summary?: Pick<RunSummary, 'models' | 'reference'>,
): boolean {
  if (config) return config.teacher === undefined && (config.distill?.scheme ?? 'offline') === 'offline';
  if (!summary) return false;
  const models = Object.values(summary.models);
  return summary.reference === undefined && models.length > 0 && models.every((m) => m.role === 'student');
}

/** The run's product: the teacher a teacher cell trains, else the student. */
export function productWord(alone: boolean): 'teacher' | 'student' {
  return alone ? 'teacher' : 'student';
}

/** A stage's name as shown: the "student" stage of a run training alone is the teacher it trains. */
export function stageWord(stage: string, alone: boolean): string {
  return alone && stage === 'student' ? 'teacher' : stage;
}

/** "epoch 12" for a model trained in the run; nothing for one loaded or reused (its epoch 0 is not an epoch). */
export function epochNote(epoch: number | undefined): string | undefined {
  return epoch !== undefined && epoch > 0 ? `epoch ${epoch}` : undefined;
}

/** Whether a model's metrics come from training in this run (a loaded teacher's best epoch is 0). */
export function trainedHere(metrics: Pick<ModelMetrics, 'best' | 'last'>): boolean {
  return metrics.last.epoch > 0;
}

export interface StageProgress {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
}

/** Epochs completed: the epoch in progress counts once its last step is done. */
export function completedEpochs(progress: StageProgress): number {
  return progress.stepsPerEpoch > 0 && progress.step >= progress.stepsPerEpoch ? progress.epoch : progress.epoch - 1;
}

/** "stopped after 15 of 40 epochs". */
export function stoppedText(progress: StageProgress | undefined): string {
  if (!progress) return 'stopped';
  const done = Math.max(0, completedEpochs(progress));
  return `stopped after ${done} of ${progress.epochs} epoch${progress.epochs === 1 ? '' : 's'}`;
}
