// Reads a pair of IDX files (images, labels) into a raw split, checking that they agree.
import { readIdx, type IdxFile } from './idx';
import type { RawSplit } from './source';
import { MAX_CLASSES } from './csv';

export interface IdxPair {
  split: RawSplit;
  /** Shape of one example: [h, w] images become [h, w, 1]. */
  shape: number[];
  /** True for 8-bit images, whose values are pixel intensities. */
  pixels: boolean;
}

function exampleShape(images: IdxFile, file: string): number[] {
  const rest = images.dims.slice(1);
  if (rest.length === 0)
    throw new Error(
      `${file}: images need at least 2 dimensions (count and features), the file has [${images.dims.join(', ')}]`,
    );
  return rest.length === 2 ? [...rest, 1] : rest;
}

function labelValues(labels: IdxFile, file: string): Int32Array {
  const { dims, data } = labels;
  if (dims.length > 2 || (dims.length === 2 && dims[1] !== 1)) {
    throw new Error(`${file}: labels must have dimensions [count] or [count, 1], the file has [${dims.join(', ')}]`);
  }
  const y = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`${file}: label ${i} is ${value}; labels must be class indices 0, 1, 2, …`);
    if (value >= MAX_CLASSES)
      throw new Error(`${file}: label ${i} is ${value}; class indices must be below ${MAX_CLASSES}`);
    y[i] = value;
  }
  return y;
}

export async function readIdxPair(imagesFile: string, labelsFile: string): Promise<IdxPair> {
  const [images, labels] = await Promise.all([readIdx(imagesFile), readIdx(labelsFile)]);
  const shape = exampleShape(images, imagesFile);
  const y = labelValues(labels, labelsFile);
  const count = images.dims[0];
  if (y.length !== count)
    throw new Error(`${labelsFile} holds ${y.length} labels but ${imagesFile} holds ${count} images`);
  const pixels = images.type === 'ubyte';
  const x = pixels ? (images.data as Uint8Array) : Float32Array.from(images.data);
  return { split: { x, y, count }, shape, pixels };
}

/** Number of classes implied by index labels: one more than the largest. */
export function classCount(...splits: RawSplit[]): number {
  let max = -1;
  for (const split of splits) for (let i = 0; i < split.count; i++) if (split.y[i] > max) max = split.y[i];
  return max + 1;
}
