// The training budget of a model trained on its own (a teacher trained on labels first): the
// experiment's `train`, overridden by the model's own `train`. One function, so the run that trains
// a teacher and the sweep that names the teacher's identity agree on what it was trained with.
import type { Experiment, ModelSpec, TrainConfig } from '../config/types';

export function modelBudget(experiment: Experiment, spec?: ModelSpec): TrainConfig {
  const own = spec?.train;
  if (!own) return experiment.train;
  return {
    ...experiment.train,
    ...own,
    optimizer: { ...experiment.train.optimizer, ...(own.optimizer ?? {}) } as TrainConfig['optimizer'],
  };
}
