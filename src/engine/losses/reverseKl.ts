// Reverse KL, KL(student ‖ teacher): the mode-seeking divergence of on-policy LLM distillation
// (MiniLLM, GKD with β = 1): the student is penalised for mass where the teacher has little.
import type * as tf from '@tensorflow/tfjs';
import { batchMeanScaled, klRows, logitDivergenceDefinition, softLogProbs } from './softTargets';

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

export const reverseKlDefinition = logitDivergenceDefinition({
  type: 'reverseKl',
  docs: 'Reverse KL (mode-seeking), KL(softmax(s/T) ‖ softmax(t/T)), × T² when `scaleByTemperatureSquared`; as in MiniLLM and GKD with β = 1.',
  temperature: 1,
  example: { weight: 0.5, temperature: 2 },
  snippet: { label: 'reverseKl', weight: '0.5' },
  divergence: (s, t, spec) => reverseKlLoss(s, t, spec.temperature, spec.scaleByTemperatureSquared),
});
