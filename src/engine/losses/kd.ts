// Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural Network": match the
// teacher's softened class probabilities.
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition } from './definition';
import { requireParameter, teacherLogitsOf } from './layers';
import { constant } from './ops';

/**
 * KL(softmax(t/T) ‖ softmax(s/T)) summed over classes and averaged over the batch, times T² when
 * `scaleByTemperatureSquared` (keeps gradient magnitudes comparable across temperatures). Both
 * sides use log-softmax, so large logits cannot overflow; the teacher is a constant.
 */
export function kdLoss(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  temperature: number,
  scaleByTemperatureSquared: boolean,
): tf.Scalar {
  const logQ = tf.logSoftmax(tf.div(studentLogits, temperature));
  const logP = tf.logSoftmax(tf.div(constant(teacherLogits), temperature));
  const kl = tf.mean(tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1));
  return (scaleByTemperatureSquared ? tf.mul(kl, temperature * temperature) : kl) as tf.Scalar;
}

export const kdDefinition: LossDefinition<'kd'> = {
  needsTeacher: true,
  create(spec) {
    requireParameter('kd', 'temperature', spec.temperature, (v) => v > 0, 'positive');
    return {
      label: 'kd',
      teacherLayers: [],
      studentLayers: [],
      compute: (inputs) =>
        kdLoss(inputs.studentLogits, teacherLogitsOf('kd', inputs), spec.temperature, spec.scaleByTemperatureSquared),
    };
  },
};
