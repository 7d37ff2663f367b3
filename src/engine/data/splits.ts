// Subsets and hold-outs of a split. Chosen rows keep their source order, so a split is a pure
// function of its source, its fraction or limit, and its seed.
import { seededPermutation } from '../random';
import type { RawSplit, RawValues } from './source';

/** The rows at `indices` (in that order) as a new split. */
export function takeRows(split: RawSplit, indices: ArrayLike<number>, rowSize: number): RawSplit {
  const count = indices.length;
  const x: RawValues =
    split.x instanceof Uint8Array ? new Uint8Array(count * rowSize) : new Float32Array(count * rowSize);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const row = indices[i];
    x.set(split.x.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
    y[i] = split.y[row];
  }
  return { x, y, count };
}

function sorted(indices: Int32Array): Int32Array {
  return indices.slice().sort();
}

/** A seeded random subset of at most `limit` rows; the split itself when it is no larger. */
export function limitRows(split: RawSplit, limit: number | undefined, seed: number, rowSize: number): RawSplit {
  if (limit === undefined || limit >= split.count) return split;
  return takeRows(split, sorted(seededPermutation(split.count, seed).subarray(0, limit)), rowSize);
}

/** How many of `count` rows a fraction holds out: at least one when asked for any, never all. */
export function heldOutCount(count: number, fraction: number): number {
  if (fraction <= 0 || count < 2) return 0;
  return Math.min(count - 1, Math.max(1, Math.round(count * fraction)));
}

/** Splits rows into a seeded random held-out part of about `fraction` and the rest. */
export function holdOut(
  split: RawSplit,
  fraction: number,
  seed: number,
  rowSize: number,
): { kept: RawSplit; held: RawSplit } {
  const heldCount = heldOutCount(split.count, fraction);
  if (heldCount === 0) return { kept: split, held: takeRows(split, [], rowSize) };
  const order = seededPermutation(split.count, seed);
  return {
    held: takeRows(split, sorted(order.subarray(0, heldCount)), rowSize),
    kept: takeRows(split, sorted(order.subarray(heldCount)), rowSize),
  };
}
