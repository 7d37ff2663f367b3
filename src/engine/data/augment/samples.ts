// A few augmented training examples as display bytes, for the panel's sample grid: the
// `normalize` ops are undone so a user sees images, not standardised values.
import type { AugmentSpec } from '../../config/types';
import type { Batch } from '../types';
import { imageShapeOf } from './augment';

export interface SampleImages {
  shape: [number, number, number];
  count: number;
  /** count × h × w × c bytes, row-major. */
  bytes: Uint8Array;
}

/**
 * The first `count` examples of a batch as bytes: normalisation undone (last op first), then
 * values in [0, 1] scaled by 255, or any other range stretched linearly to 0…255.
 */
export function sampleImages(
  batch: Batch,
  inputShape: number[],
  specs: readonly AugmentSpec[],
  count: number,
): SampleImages {
  const shape = imageShapeOf(inputShape);
  const n = Math.min(count, batch.size);
  const size = shape.height * shape.width * shape.channels;
  const values = batch.x.slice(0, n * size);
  for (const spec of [...specs].reverse()) {
    if (spec.type !== 'normalize') continue;
    for (let p = 0; p < values.length; p += shape.channels)
      for (let c = 0; c < shape.channels; c++) values[p + c] = values[p + c] * spec.std[c] + spec.mean[c];
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const unit = min >= -1e-3 && max <= 1 + 1e-3;
  const offset = unit ? 0 : min;
  const scale = unit ? 255 : max > min ? 255 / (max - min) : 0;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++)
    bytes[i] = Math.max(0, Math.min(255, Math.round((values[i] - offset) * scale)));
  return { shape: [shape.height, shape.width, shape.channels], count: n, bytes };
}
