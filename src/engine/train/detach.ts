// TF.js has no stop-gradient op: a custom gradient that passes values through and sends back
// zeros makes a tensor a constant for the optimizer while the forward pass stays shared.
import * as tf from '@tensorflow/tfjs';

const stopGradient = tf.customGrad((...args: (tf.Tensor | ((save: tf.Tensor[]) => void))[]) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/** The same values as `x`, with no gradient flowing back through them. */
export function detach<T extends tf.Tensor>(x: T): T {
  return stopGradient(x) as T;
}
