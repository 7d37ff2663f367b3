// Learned adaptation layers that map student features to the teacher's width. They belong to the
// loss term (trained with the student, never exported with it). A 1×1 convolution is written as a
// matrix product over the channel axis: the same function, and its filter gradient exists on the
// wasm backend, which has no Conv2DBackpropFilter kernel.
import * as tf from '@tensorflow/tfjs';
import { SeedSequence } from '../models/seeds';

/** y = x·W + b over the last axis of x (a dense layer on [batch, in], a 1×1 convolution on NHWC maps). */
export interface LinearAdapter {
  kernel: tf.Variable;
  bias: tf.Variable;
  /** Display name for diagrams, e.g. "1x1 conv 16->32". */
  description: string;
}

let adapterCount = 0;

/** A seed for an adapter, derived from the experiment seed and the term's name (stable across runs). */
export function adapterSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
  return new SeedSequence((seed ^ hash) | 0).next();
}

/** Glorot-uniform kernel (Keras' default for dense and conv layers), zero bias. */
export function createLinearAdapter(
  inputs: number,
  outputs: number,
  seed: number,
  kind: 'dense' | 'conv1x1',
  owner: string,
): LinearAdapter {
  const id = adapterCount++;
  const base = owner.replace(/[^A-Za-z0-9_]/g, '_');
  // tidy frees the initial values; the variables keep their data.
  const [kernel, bias] = tf.tidy(() => [
    tf.variable(
      tf.initializers.glorotUniform({ seed }).apply([inputs, outputs]) as tf.Tensor2D,
      true,
      `${base}_adapter_kernel_${id}`,
    ),
    tf.variable(tf.zeros([outputs]), true, `${base}_adapter_bias_${id}`),
  ]);
  const description = `${kind === 'dense' ? 'dense' : '1x1 conv'} ${inputs}->${outputs}`;
  return { kernel, bias, description };
}

/** Applies W and b to the last axis of `x`. */
export function applyLinear(x: tf.Tensor, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor {
  const inputs = x.shape[x.rank - 1];
  const flat = tf.reshape(x, [-1, inputs]) as tf.Tensor2D;
  const out = tf.add(tf.matMul(flat, kernel), bias);
  return tf.reshape(out, [...x.shape.slice(0, -1), kernel.shape[1]]);
}
