// The batches one training epoch sees: a seeded shuffle of the training split, each batch
// augmented with the dataset's training-time ops. Shared by the single-model and the peers loop.
import { augmentBatch } from './augment/augment';
import { iterateBatches } from './batches';
import type { Batch, Dataset } from './types';

export function* trainingBatches(dataset: Dataset, batchSize: number, seed: number, epoch: number): Generator<Batch> {
  const inputSize = dataset.inputShape.reduce((a, b) => a * b, 1);
  const context = { seed, epoch, inputShape: dataset.inputShape, classes: dataset.classes };
  for (const batch of iterateBatches(dataset.train, inputSize, batchSize, seed * 1000 + epoch))
    yield augmentBatch(batch, dataset.augment, context);
}
