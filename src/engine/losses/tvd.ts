// Total variation distance between the softened teacher and student distributions: a bounded
// divergence (in [0, 1]) used in LLM distillation next to forward and reverse KL (DistiLLM, GKD ablations).
import * as tf from '@tensorflow/tfjs';
import { batchMeanScaled, logitDivergenceDefinition, softLogProbs } from './softTargets';

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

export const tvdDefinition = logitDivergenceDefinition({
  type: 'tvd',
  docs: "Total variation distance ½·Σ|P − Q| between the teacher's and the student's softened distributions, × T² when `scaleByTemperatureSquared`.",
  temperature: 1,
  example: { weight: 0.5, temperature: 2 },
  snippet: { label: 'tvd', weight: '0.5' },
  divergence: (s, t, spec) => tvdLoss(s, t, spec.temperature, spec.scaleByTemperatureSquared),
});
