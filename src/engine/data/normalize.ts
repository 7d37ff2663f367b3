// Turns raw splits into the Float32 splits the trainer sees. Statistics for 'standardize' come
// from the training split alone, so validation and test never leak into the inputs.
import type { Normalization } from '../config/types';
import type { Split } from './types';
import type { RawSplit } from './source';

/** Per-feature statistics of a training split, in float64. */
export interface FeatureStats {
  mean: Float64Array;
  std: Float64Array;
}

function toFloat(split: RawSplit, divisor: number): Split {
  const x = new Float32Array(split.x.length);
  if (divisor === 1) x.set(split.x);
  else for (let i = 0; i < x.length; i++) x[i] = split.x[i] / divisor;
  return { x, y: split.y, count: split.count };
}

/** Mean and population standard deviation of each feature (two passes, for accuracy). */
export function featureStats(split: Split, rowSize: number): FeatureStats {
  const mean = new Float64Array(rowSize);
  const std = new Float64Array(rowSize);
  if (split.count === 0) throw new Error('cannot standardize: the training split is empty');
  for (let r = 0; r < split.count; r++) {
    const base = r * rowSize;
    for (let f = 0; f < rowSize; f++) mean[f] += split.x[base + f];
  }
  for (let f = 0; f < rowSize; f++) mean[f] /= split.count;
  for (let r = 0; r < split.count; r++) {
    const base = r * rowSize;
    for (let f = 0; f < rowSize; f++) {
      const d = split.x[base + f] - mean[f];
      std[f] += d * d;
    }
  }
  for (let f = 0; f < rowSize; f++) std[f] = Math.sqrt(std[f] / split.count);
  return { mean, std };
}

/** (x − mean) / std in place; a constant feature (std 0, e.g. MNIST's border pixels) is only centred. */
export function applyStats(split: Split, stats: FeatureStats): void {
  const rowSize = stats.mean.length;
  const scale = Array.from(stats.std, (s) => (s > 0 ? 1 / s : 1));
  for (let r = 0; r < split.count; r++) {
    const base = r * rowSize;
    for (let f = 0; f < rowSize; f++) split.x[base + f] = (split.x[base + f] - stats.mean[f]) * scale[f];
  }
}

/**
 * 'none' keeps values as stored; 'scale' maps 0…255 pixels to [0, 1] and leaves other sources
 * as they are; 'standardize' scales pixels, then standardises each feature with the training statistics.
 */
export function normalizeSplits(
  mode: Normalization,
  pixels: boolean,
  rowSize: number,
  train: RawSplit,
  others: RawSplit[],
): { train: Split; others: Split[] } {
  const divisor = mode !== 'none' && pixels ? 255 : 1;
  const floatTrain = toFloat(train, divisor);
  const floatOthers = others.map((s) => toFloat(s, divisor));
  if (mode === 'standardize') {
    const stats = featureStats(floatTrain, rowSize);
    for (const split of [floatTrain, ...floatOthers]) applyStats(split, stats);
  }
  return { train: floatTrain, others: floatOthers };
}
