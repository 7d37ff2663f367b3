import type { Experiment, ExperimentFile } from '../config/types';

/** A command named something that is not in the file: the caller's mistake, not the run's. */
export class UsageError extends Error {}

/** The experiment a command means: the named cell, or the file's only experiment. */
export function pickExperiment(file: ExperimentFile, cell: string | undefined): Experiment {
  if (cell !== undefined) {
    const found = file.experiments.find((e) => e.cell === cell);
    if (!found) {
      const names = file.experiments.map((e) => e.cell).filter(Boolean);
      throw new UsageError(
        `${file.path}: no cell named "${cell}"; the cells are ${names.length ? names.join(', ') : '(none: this file is a single experiment)'}`,
      );
    }
    return found;
  }
  if (file.experiments.length !== 1) {
    throw new UsageError(
      `${file.path}: the file has ${file.experiments.length} cells (${file.experiments.map((e) => e.cell).join(', ')}); name one with --cell or run them all with --all`,
    );
  }
  return file.experiments[0];
}
