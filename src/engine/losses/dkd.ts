// Decoupled Knowledge Distillation (Zhao et al., CVPR 2022): KD split into the target-class part
// (TCKD, the binary "target vs the rest" distribution) and the non-target part (NCKD, the
// distribution among the other classes), weighted separately.
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition } from './definition';
import { requireParameter, teacherLogitsOf } from './layers';
import { constant } from './ops';

/** Added to the target logit to remove it from a softmax, as in the authors' code (mdistiller). */
const MASK = 1000;

export interface DkdParts {
  /** KL between the binary target/non-target distributions, times T², batch mean. */
  tckd: tf.Scalar;
  /** KL between the distributions over the non-target classes, times T², batch mean. */
  nckd: tf.Scalar;
}

/** log b_target and log b_rest of softmax(z) for each row, computed from log-sum-exps (stable as b_rest → 0). */
function binaryLogProbabilities(z: tf.Tensor2D, target: tf.Tensor2D): [tf.Tensor1D, tf.Tensor1D] {
  const all = tf.logSumExp(z, 1);
  const logTarget = tf.sub(tf.sum(tf.mul(z, target), 1), all) as tf.Tensor1D;
  const logRest = tf.sub(tf.logSumExp(tf.sub(z, tf.mul(target, MASK)), 1), all) as tf.Tensor1D;
  return [logTarget, logRest];
}

/** TCKD and NCKD for one batch; `labels` are one-hot (their argmax is the target class). */
export function dkdParts(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  labels: tf.Tensor2D,
  temperature: number,
): DkdParts {
  const classes = studentLogits.shape[1];
  const target = tf.cast(tf.oneHot(tf.argMax(labels, 1), classes), 'float32') as tf.Tensor2D;
  const zs = tf.div(studentLogits, temperature) as tf.Tensor2D;
  const zt = tf.div(constant(teacherLogits), temperature) as tf.Tensor2D;
  const t2 = temperature * temperature;

  const [sTarget, sRest] = binaryLogProbabilities(zs, target);
  const [tTarget, tRest] = binaryLogProbabilities(zt, target);
  const binaryKl = tf.add(
    tf.mul(tf.exp(tTarget), tf.sub(tTarget, sTarget)),
    tf.mul(tf.exp(tRest), tf.sub(tRest, sRest)),
  );
  const tckd = tf.mul(tf.mean(binaryKl), t2) as tf.Scalar;

  const logQs = tf.logSoftmax(tf.sub(zs, tf.mul(target, MASK)));
  const logQt = tf.logSoftmax(tf.sub(zt, tf.mul(target, MASK)));
  const nckd = tf.mul(tf.mean(tf.sum(tf.mul(tf.exp(logQt), tf.sub(logQt, logQs)), 1)), t2) as tf.Scalar;
  return { tckd, nckd };
}

/** α·TCKD + β·NCKD (without the warm-up factor). */
export function dkdLoss(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  labels: tf.Tensor2D,
  alpha: number,
  beta: number,
  temperature: number,
): tf.Scalar {
  const { tckd, nckd } = dkdParts(studentLogits, teacherLogits, labels, temperature);
  return tf.add(tf.mul(tckd, alpha), tf.mul(nckd, beta)) as tf.Scalar;
}

/** The linear warm-up of the authors' code: min(epoch / warmupEpochs, 1), with 1-based epochs; 1 without warm-up. */
export function dkdWarmupFactor(epoch: number, warmupEpochs: number): number {
  return warmupEpochs > 0 ? Math.min(epoch / warmupEpochs, 1) : 1;
}

export const dkdDefinition: LossDefinition<'dkd'> = {
  type: 'dkd',
  docs: 'Decoupled KD (Zhao et al. 2022): α·TCKD (target class) + β·NCKD (non-target classes), ramped in over `warmupEpochs`.',
  defaults: {
    alpha: 1,
    beta: 8,
    temperature: 4,
    warmupEpochs: 5,
  },
  schema: {
    properties: {
      alpha: {
        type: 'number',
        description: 'dkd: weight α of the target-class term (TCKD).',
        minimum: 0,
      },
      beta: {
        type: 'number',
        description: 'dkd: weight β of the non-target-class term (NCKD).',
        minimum: 0,
      },
      temperature: {
        type: 'number',
        description:
          'Softmax temperature T: higher values soften the distributions and expose the teacher\'s "dark knowledge". Hinton used up to 20.',
        exclusiveMinimum: 0,
      },
      warmupEpochs: {
        type: 'integer',
        minimum: 0,
        description: 'dkd: epochs over which the loss ramps up linearly from 0.',
      },
    },
  },
  example: {
    weight: 1,
    alpha: 1,
    beta: 8,
    temperature: 4,
    warmupEpochs: 5,
  },
  snippet: {
    label: 'dkd',
    body: {
      weight: 1,
      alpha: 1,
      beta: 8,
      temperature: 4,
    },
  },
  needsTeacher: true,
  create(spec) {
    requireParameter('dkd', 'temperature', spec.temperature, (v) => v > 0, 'positive');
    requireParameter('dkd', 'alpha', spec.alpha, (v) => v >= 0, 'non-negative');
    requireParameter('dkd', 'beta', spec.beta, (v) => v >= 0, 'non-negative');
    requireParameter('dkd', 'warmupEpochs', spec.warmupEpochs, (v) => v >= 0, 'non-negative');
    return {
      label: 'dkd',
      teacherLayers: [],
      studentLayers: [],
      compute: (inputs) => {
        const loss = dkdLoss(
          inputs.studentLogits,
          teacherLogitsOf('dkd', inputs),
          inputs.labels,
          spec.alpha,
          spec.beta,
          spec.temperature,
        );
        return tf.mul(loss, dkdWarmupFactor(inputs.epoch, spec.warmupEpochs)) as tf.Scalar;
      },
    };
  },
};
