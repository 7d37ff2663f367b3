// Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural Network": match the
// teacher's softened class probabilities.
import * as tf from '@tensorflow/tfjs';
import { constant } from './ops';
import { logitDivergenceDefinition } from './softTargets';

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

export const kdDefinition = logitDivergenceDefinition({
  type: 'kd',
  docs: 'Hinton knowledge distillation: KL(softmax(t/T) ‖ softmax(s/T)) on temperature-softened logits, multiplied by T² when `scaleByTemperatureSquared` (so its gradients keep their size as T changes).',
  temperature: 4,
  temperatureDescription:
    'Softmax temperature T: higher values soften the distributions and expose the teacher\'s "dark knowledge". Hinton used up to 20.',
  scaleDescription: 'kd: multiply the soft loss by T² (Hinton et al. 2015).',
  example: { weight: 0.9, temperature: 4 },
  snippet: { label: 'kd (Hinton)', weight: '0.9' },
  divergence: (s, t, spec) => kdLoss(s, t, spec.temperature, spec.scaleByTemperatureSquared),
});
