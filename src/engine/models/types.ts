import type * as tf from '@tensorflow/tfjs';

export interface BuildContext {
  /** Shape of one example, e.g. [784] or [28, 28, 1]. */
  inputShape: number[];
  classes: number;
  /** Model name; also the prefix of nothing: layer names stay stable and readable ("dense_1", "block2"). */
  name: string;
  /** Seeds every initializer, so the same seed gives the same initial weights. */
  seed: number;
  /** Text data: the tokenizer's vocabulary size (the embedding table's rows). */
  vocabSize?: number;
}

/** A model plus the names of the layers a loss may tap. Its single output is the logits (no softmax). */
export interface BuiltModel {
  model: tf.LayersModel;
  /** Names of layers that can be tapped for feature/relation losses, in order. */
  tappable: string[];
}
