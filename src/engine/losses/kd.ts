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
  type: 'kd',
  docs: 'Hinton knowledge distillation: KL(softmax(t/T) ‖ softmax(s/T)) on temperature-softened logits, multiplied by T² when `scaleByTemperatureSquared` (so its gradients keep their size as T changes).',
  defaults: {
    temperature: 4,
    scaleByTemperatureSquared: true,
  },
  schema: {
    properties: {
      temperature: {
        type: 'number',
        description:
          'Softmax temperature T: higher values soften the distributions and expose the teacher\'s "dark knowledge". Hinton used up to 20.',
        exclusiveMinimum: 0,
      },
      scaleByTemperatureSquared: {
        type: 'boolean',
        description: 'kd: multiply the soft loss by T² (Hinton et al. 2015).',
      },
    },
  },
  example: {
    weight: 0.9,
    temperature: 4,
    scaleByTemperatureSquared: true,
  },
  snippet: {
    label: 'kd (Hinton)',
    body: {
      weight: '^${1:0.9}',
      temperature: '^${2:4}',
    },
  },
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
