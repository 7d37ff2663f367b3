// Tensor helpers shared by the sequence layers: the padding mask from token ids (id 0 is [PAD]),
// a dense projection on the last axis, layer normalisation and GELU, all from ops with gradients
// on the cpu and wasm backends.
import * as tf from '@tensorflow/tfjs';

/** Layer inputs as a list (TF.js hands a layer one tensor or several). */
export function inputList(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(inputs) ? inputs : [inputs];
}

/** [batch, length] ids → 1 where a token is, 0 at padding, as float32. */
export function tokenMask(ids: tf.Tensor): tf.Tensor2D {
  return tf.cast(tf.notEqual(ids, 0), 'float32') as tf.Tensor2D;
}

/** x·W + b on the last axis of a [batch, length, in] tensor. */
export function project(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const [inputs, outputs] = kernel.shape;
  const flat = tf.reshape(x, [-1, inputs]);
  return tf.reshape(tf.add(tf.matMul(flat, kernel as tf.Tensor2D), bias), [...x.shape.slice(0, -1), outputs]);
}

/** (x − mean) / sqrt(var + ε) · γ + β over the last axis. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
}

/** GELU, tanh form (BERT's): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** [batch, length, heads·size] → [batch, heads, length, size]. */
export function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [batch, length, width] = x.shape;
  return tf.transpose(tf.reshape(x, [batch, length, heads, width / heads]), [0, 2, 1, 3]);
}

/** [batch, heads, length, size] → [batch, length, heads·size]. */
export function mergeHeads(x: tf.Tensor): tf.Tensor3D {
  const [batch, heads, length, size] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [batch, length, heads * size]);
}
