// The batches one training epoch sees: the run's order of the training split (data/order.ts), each batch
// augmented with the dataset's training-time ops. Shared by the single-model and the peers loop.
import { augmentBatch } from './augment/augment';
import { epochBatches } from './order';
import type { Batch, Dataset } from './types';

/** The epoch's batches after the first `stepsDone` (a resumed run skips what it trained before its stop). */
export function* trainingBatches(
  dataset: Dataset,
  batchSize: number,
  seed: number,
  epoch: number,
  stepsDone = 0,
): Generator<Batch> {
  const inputSize = dataset.inputShape.reduce((a, b) => a * b, 1);
  const context = { seed, epoch, inputShape: dataset.inputShape, classes: dataset.classes };
  for (const batch of epochBatches(dataset, inputSize, batchSize, seed, epoch, stepsDone))
    yield augmentBatch(batch, dataset.augment, context);
}
