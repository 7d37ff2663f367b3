// The temperature-softened log-probabilities that every logit divergence (kd, reverseKl, jsd, tvd)
// compares, and the T² factor that keeps their gradients the same size as T changes.
import * as tf from '@tensorflow/tfjs';
import { constant } from './ops';

/** log softmax(s/T) of the student and log softmax(t/T) of the (constant) teacher. */
export function softLogProbs(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  temperature: number,
): { logQ: tf.Tensor2D; logP: tf.Tensor2D } {
  return {
    logQ: tf.logSoftmax(tf.div<tf.Tensor2D>(studentLogits, temperature)),
    logP: tf.logSoftmax(tf.div<tf.Tensor2D>(constant(teacherLogits), temperature)),
  };
}

/** Σ_k a·(log a − log b) per row, from log-probabilities: KL(a ‖ b) for each example. */
export function klRows(logA: tf.Tensor2D, logB: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(tf.exp(logA), tf.sub(logA, logB)), 1);
}

/** The batch mean of per-example values, times T² when asked. */
export function batchMeanScaled(perExample: tf.Tensor1D, temperature: number, scaleByTemperatureSquared: boolean) {
  const value = tf.mean(perExample);
  return (scaleByTemperatureSquared ? tf.mul(value, temperature * temperature) : value) as tf.Scalar;
}
