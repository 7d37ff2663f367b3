// Generalised Jensen–Shannon divergence of GKD (Agarwal et al. 2024, as in TRL's GKDTrainer):
// β interpolates between forward KL (β = 0) and reverse KL (β = 1) through the mixture
// M = β·P + (1 − β)·Q of teacher P and student Q.
import * as tf from '@tensorflow/tfjs';
import { batchMeanScaled, klRows, logitDivergenceDefinition, softLogProbs } from './softTargets';

/**
 * β·KL(P ‖ M) + (1 − β)·KL(Q ‖ M) with P = softmax(t/T), Q = softmax(s/T), M = β·P + (1 − β)·Q,
 * summed over classes, averaged over the batch, × T² when asked. At the endpoints, where that
 * expression vanishes, the loss is TRL's: KL(P ‖ Q) at β = 0 and KL(Q ‖ P) at β = 1. log M is a
 * log-sum-exp of the two log-probabilities, so no probability is ever logged after underflowing.
 */
export function jsdLoss(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  beta: number,
  temperature: number,
  scaleByTemperatureSquared: boolean,
): tf.Scalar {
  const { logQ, logP } = softLogProbs(studentLogits, teacherLogits, temperature);
  let perExample: tf.Tensor1D;
  if (beta === 0) perExample = klRows(logP, logQ);
  else if (beta === 1) perExample = klRows(logQ, logP);
  else {
    const logM = tf.logSumExp(tf.stack([tf.add(logP, Math.log(beta)), tf.add(logQ, Math.log(1 - beta))]), 0);
    perExample = tf.add(
      tf.mul(klRows(logP, logM as tf.Tensor2D), beta),
      tf.mul(klRows(logQ, logM as tf.Tensor2D), 1 - beta),
    );
  }
  return batchMeanScaled(perExample, temperature, scaleByTemperatureSquared);
}

export const jsdDefinition = logitDivergenceDefinition({
  type: 'jsd',
  docs: "Generalised Jensen–Shannon divergence of GKD (TRL's GKDTrainer): β·KL(P ‖ M) + (1−β)·KL(Q ‖ M) with M = β·P + (1−β)·Q, P the teacher's and Q the student's softened distribution; β = 0 is forward KL, β = 1 reverse KL. × T² when `scaleByTemperatureSquared`.",
  temperature: 1,
  extra: {
    beta: {
      default: 0.5,
      schema: {
        type: 'number',
        description:
          'jsd: interpolation β of the mixture M = β·P_teacher + (1−β)·P_student. 0 is forward KL(teacher ‖ student), 1 reverse KL(student ‖ teacher), 0.5 the symmetric Jensen–Shannon divergence.',
        minimum: 0,
        maximum: 1,
      },
      example: 0.3,
      snippet: '0.5',
      ok: (v) => v >= 0 && v <= 1,
      rule: 'in [0, 1]',
    },
  },
  example: { weight: 0.5, temperature: 2 },
  snippet: { label: 'jsd (GKD)', weight: '0.5' },
  divergence: (s, t, spec) => jsdLoss(s, t, spec.beta, spec.temperature, spec.scaleByTemperatureSquared),
});
