// What each reader hands to the common pipeline (limits, splits, normalisation): examples as
// they are stored, before any normalisation, so MNIST's bytes stay bytes until the end.

/** Fixed seed of the data-defining choices (test split, limits): the same for every experiment seed. */
export const DATA_SEED = 20150309;

/** Raw values of examples in row-major order: bytes for 8-bit sources, floats otherwise. */
export type RawValues = Uint8Array | Float32Array;

export interface RawSplit {
  x: RawValues;
  y: Int32Array;
  count: number;
}

export interface RawSource {
  name: string;
  inputShape: number[];
  classNames: string[];
  /** Values are 0…255 pixel intensities, which normalize 'scale' maps to [0, 1]. */
  pixels: boolean;
  train: RawSplit;
  /** Absent when the source has no test set: the pipeline carves one from train with `testSplit`. */
  test?: RawSplit;
}

export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Names '0', '1', … for sources whose labels are class indices. */
export function indexNames(classes: number): string[] {
  return Array.from({ length: classes }, (_, i) => String(i));
}
