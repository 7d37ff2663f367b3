// Mini-batches over a split. Each batch gets fresh arrays: a tensor made from a typed array may
// keep that array (TF.js's cpu backend does), so a reused buffer would change earlier tensors.
import { seededPermutation } from '../random';
import type { Batch, Split } from './types';

/**
 * One epoch of batches covering every example once, the last one partial. With a seed the
 * order is a seeded shuffle (pass seed + epoch for a new order each epoch); without, split order.
 */
export function* iterateBatches(
  split: Split,
  inputSize: number,
  batchSize: number,
  shuffleSeed?: number,
  /** Batches to skip at the start (a resumed epoch); they are not built. */
  startBatch = 0,
): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  if (split.x.length !== split.count * inputSize) {
    throw new Error(`split holds ${split.x.length} values, expected ${split.count} examples × ${inputSize}`);
  }
  const order = shuffleSeed === undefined ? null : seededPermutation(split.count, shuffleSeed);
  for (let start = startBatch * batchSize; start < split.count; start += batchSize) {
    const size = Math.min(batchSize, split.count - start);
    const x = new Float32Array(size * inputSize);
    const y = new Int32Array(size);
    const indices = new Int32Array(size);
    // Soft labels (pseudo-labels) travel with their examples.
    const classes = split.targets ? split.targets.length / split.count : 0;
    const targets = split.targets ? new Float32Array(size * classes) : undefined;
    for (let i = 0; i < size; i++) {
      const row = order ? order[start + i] : start + i;
      x.set(split.x.subarray(row * inputSize, (row + 1) * inputSize), i * inputSize);
      y[i] = split.y[row];
      indices[i] = row;
      if (targets && split.targets)
        targets.set(split.targets.subarray(row * classes, (row + 1) * classes), i * classes);
    }
    yield targets ? { x, y, indices, size, targets } : { x, y, indices, size };
  }
}
