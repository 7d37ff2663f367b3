// Datasets live in memory as typed arrays, never as one big tensor: the trainer makes a
// tensor per batch, so memory holds the data once.
import type { AugmentSpec } from '../config/types';
import type { TextVocabulary } from '../text/tokenizer';

export interface Split {
  /** Row-major examples: count × prod(inputShape), already normalised. */
  x: Float32Array;
  /** Class index of each example. */
  y: Int32Array;
  count: number;
  /** Soft labels (count × classes) that replace the one-hot `y` in training (pseudo-labels); `y` is then their top class. */
  targets?: Float32Array;
}

export interface Dataset {
  name: string;
  /** Shape of one example, e.g. [784] or [28, 28, 1]. */
  inputShape: number[];
  classes: number;
  classNames: string[];
  train: Split;
  /** Carved from the training data with the experiment seed; empty when validationSplit is 0. */
  validation: Split;
  test: Split;
  /**
   * The augmentation applied to training batches, in order (empty when none or when it is only
   * `normalize`, which is then already applied to every split).
   */
  augment: AugmentSpec[];
  /**
   * data.unlabeled, in the training split's state (normalised with its statistics, before random
   * augmentation). `y` holds the source's own labels where they name the same classes (never trained
   * on; they measure the pseudo-labels), else -1.
   */
  unlabeled?: Split;
  /** Text datasets: the tokenizer's vocabulary and the label mapping, saved with the run as vocab.json. */
  vocabulary?: TextVocabulary;
}

export interface Batch {
  /** batchSize × prod(inputShape) values. */
  x: Float32Array;
  y: Int32Array;
  /** Index of each example within its split (used to look up cached teacher outputs). */
  indices: Int32Array;
  size: number;
  /** Soft labels (size × classes) after mixup or cutmix; absent means one-hot `y`. */
  targets?: Float32Array;
  /** True when `x` was augmented: a teacher output cached by example index does not describe it. */
  augmented?: boolean;
}

export interface LoadOptions {
  /** Directory that relative paths in the data config are resolved against (the experiment file's folder). */
  baseDir: string;
  /** Experiment seed: drives the validation split. */
  seed: number;
}
