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
  type: 'reverseKl',
  docs: 'Reverse KL (mode-seeking), KL(softmax(s/T) ‖ softmax(t/T)), × T² when `scaleByTemperatureSquared`; as in MiniLLM and GKD with β = 1.',
  defaults: {
    temperature: 1,
    scaleByTemperatureSquared: true,
  },
  schema: {
    properties: {
      temperature: {
        type: 'number',
        description:
          "reverseKl: softmax temperature T applied to both sides' logits. 1 (the default) compares the models' own distributions, as LLM distillation does.",
        exclusiveMinimum: 0,
      },
      scaleByTemperatureSquared: {
        type: 'boolean',
        description: 'reverseKl: multiply the loss by T², as `kd` does, so its gradients keep their size as T changes.',
      },
    },
  },
  example: {
    weight: 0.5,
    temperature: 2,
    scaleByTemperatureSquared: true,
  },
  snippet: {
    label: 'reverseKl',
    body: {
      weight: '^${1:0.5}',
      temperature: '^${2:1}',
    },
  },
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
