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
  type: 'tvd',
  docs: "Total variation distance ½·Σ|P − Q| between the teacher's and the student's softened distributions, × T² when `scaleByTemperatureSquared`.",
  defaults: {
    temperature: 1,
    scaleByTemperatureSquared: true,
  },
  schema: {
    properties: {
      temperature: {
        type: 'number',
        description:
          "tvd: softmax temperature T applied to both sides' logits. 1 (the default) compares the models' own distributions, as LLM distillation does.",
        exclusiveMinimum: 0,
      },
      scaleByTemperatureSquared: {
        type: 'boolean',
        description: 'tvd: multiply the loss by T², as `kd` does, so its gradients keep their size as T changes.',
      },
    },
  },
  example: {
    weight: 0.5,
    temperature: 2,
    scaleByTemperatureSquared: true,
  },
  snippet: {
    label: 'tvd',
    body: {
      weight: '^${1:0.5}',
      temperature: '^${2:1}',
    },
  },
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
