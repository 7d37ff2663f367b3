// The data order of a run is a pure function of its seed, so a position in it is three numbers:
// the run seed, the epoch and the step (or, for one example, its index in the training split).
// Nothing random is carried as generator state, which is what lets a resumed run continue exactly.
// Augmentation draws per example from exampleSeed(seed, epoch, index) under the same contract.
import { deriveSeed, mix32 } from '../random';
import { iterateBatches } from './batches';
import type { Batch, Dataset } from './types';

/** The shuffle seed of one epoch (the formula every earlier run used, so their orders are unchanged). */
export function epochShuffleSeed(seed: number, epoch: number): number {
  return seed * 1000 + epoch;
}

/** The batches of one epoch of training, in the run's order, starting after `stepsDone` batches. */
export function epochBatches(
  dataset: Dataset,
  inputSize: number,
  batchSize: number,
  seed: number,
  epoch: number,
  stepsDone = 0,
): Generator<Batch> {
  return iterateBatches(dataset.train, inputSize, batchSize, epochShuffleSeed(seed, epoch), stepsDone);
}

/**
 * The seed for random draws about one training example in one epoch (augmentation): a function of
 * the run seed, the epoch and the example's index in the training split only, so the same example
 * gets the same transformation in an uninterrupted and in a resumed run.
 */
export function exampleSeed(seed: number, epoch: number, exampleIndex: number): number {
  return mix32(deriveSeed(seed, 'augmentation') ^ mix32(epoch ^ mix32(exampleIndex)));
}
