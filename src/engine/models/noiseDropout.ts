// Noisy Student's dropout noise: the student of a round gets dropout on the input of its logits
// layer (where Xie et al. put it), on top of whatever dropout the model has. The result is a second
// functional view over the same layers with one seeded Dropout added: it trains the same weights,
// evaluates without the noise, and saves as an ordinary Keras model.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';
import { SeededDropout } from './seededDropout';

export const NOISE_DROPOUT_LAYER = 'noise_dropout';

/** `model` with dropout of `rate` before its last (logits) layer; `model` itself when the rate is 0. */
export function withLogitsDropout(model: tf.LayersModel, rate: number, seed: number): tf.LayersModel {
  if (!(rate > 0)) return model;
  if (!(rate < 1)) throw new Error(`distill.noise.dropout must be a rate in [0, 1), got ${rate}`);
  const logits = model.layers[model.layers.length - 1];
  const input = logits.getInputAt(0);
  if (model.outputs.length !== 1 || Array.isArray(input) || model.outputs[0] !== logits.getOutputAt(0))
    throw new Error(
      `distill.noise.dropout: model "${model.name}" does not end in a single-input logits layer; use the model's own dropout instead`,
    );
  const dropout = new SeededDropout({ rate, seed: deriveSeed(seed, NOISE_DROPOUT_LAYER), name: NOISE_DROPOUT_LAYER });
  const output = logits.apply(dropout.apply(input)) as tf.SymbolicTensor;
  return tf.model({ inputs: model.inputs, outputs: output, name: model.name });
}
