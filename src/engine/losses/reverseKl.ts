// Reverse KL, KL(student ‖ teacher): the mode-seeking divergence of on-policy LLM distillation
// (MiniLLM, GKD with β = 1): the student is penalised for mass where the teacher has little.
import type * as tf from '@tensorflow/tfjs';
import type { LossDefinition } from './definition';
import { requireParameter, teacherLogitsOf } from './layers';
import { batchMeanScaled, klRows, softLogProbs } from './softTargets';

/** KL(softmax(s/T) ‖ softmax(t/T)) summed over classes, averaged over the batch, × T² when asked. */
export function reverseKlLoss(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  temperature: number,
  scaleByTemperatureSquared: boolean,
): tf.Scalar {
  const { logQ, logP } = softLogProbs(studentLogits, teacherLogits, temperature);
  return batchMeanScaled(klRows(logQ, logP), temperature, scaleByTemperatureSquared);
}

export const reverseKlDefinition: LossDefinition<'reverseKl'> = {
  needsTeacher: true,
  create(spec) {
    requireParameter('reverseKl', 'temperature', spec.temperature, (v) => v > 0, 'positive');
    return {
      label: 'reverseKl',
      teacherLayers: [],
      studentLayers: [],
      compute: (inputs) =>
        reverseKlLoss(
          inputs.studentLogits,
          teacherLogitsOf('reverseKl', inputs),
          spec.temperature,
          spec.scaleByTemperatureSquared,
        ),
    };
  },
};
