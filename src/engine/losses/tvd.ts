// Total variation distance between the softened teacher and student distributions: a bounded
// divergence (in [0, 1]) used in LLM distillation next to forward and reverse KL (DistiLLM, GKD ablations).
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition } from './definition';
import { requireParameter, teacherLogitsOf } from './layers';
import { batchMeanScaled, softLogProbs } from './softTargets';

/** ½·Σ_k |P_k − Q_k| with P = softmax(t/T), Q = softmax(s/T), averaged over the batch, × T² when asked. */
export function tvdLoss(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  temperature: number,
  scaleByTemperatureSquared: boolean,
): tf.Scalar {
  const { logQ, logP } = softLogProbs(studentLogits, teacherLogits, temperature);
  const perExample = tf.mul(tf.sum(tf.abs(tf.sub(tf.exp(logP), tf.exp(logQ))), 1), 0.5) as tf.Tensor1D;
  return batchMeanScaled(perExample, temperature, scaleByTemperatureSquared);
}

export const tvdDefinition: LossDefinition<'tvd'> = {
  needsTeacher: true,
  create(spec) {
    requireParameter('tvd', 'temperature', spec.temperature, (v) => v > 0, 'positive');
    return {
      label: 'tvd',
      teacherLayers: [],
      studentLayers: [],
      compute: (inputs) =>
        tvdLoss(inputs.studentLogits, teacherLogitsOf('tvd', inputs), spec.temperature, spec.scaleByTemperatureSquared),
    };
  },
};
