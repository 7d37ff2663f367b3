// Cross-entropy on the labels: the "hard" term of Hinton's objective and the loss of plain training.
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition } from './definition';
import { requireParameter } from './layers';

/**
 * Softmax cross-entropy averaged over the batch, with optional label smoothing (Szegedy et al.
 * 2016, as in PyTorch's CrossEntropyLoss): targets (1 − ε)·y + ε/K.
 */
export function ceLoss(logits: tf.Tensor2D, labels: tf.Tensor2D, labelSmoothing = 0): tf.Scalar {
  const classes = logits.shape[1];
  const targets = labelSmoothing > 0 ? tf.add(tf.mul(labels, 1 - labelSmoothing), labelSmoothing / classes) : labels;
  const perExample = tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1));
  return tf.mean(perExample) as tf.Scalar;
}

export const ceDefinition: LossDefinition<'ce'> = {
  type: 'ce',
  docs: 'Cross-entropy with the labels (the hard targets).',
  defaults: {
    labelSmoothing: 0,
  },
  schema: {
    properties: {
      labelSmoothing: {
        type: 'number',
        description: 'ce: label smoothing ε: targets become (1−ε)·one-hot + ε/classes.',
        minimum: 0,
        exclusiveMaximum: 1,
      },
    },
  },
  example: {
    weight: 0.1,
  },
  snippet: {
    label: 'ce',
    body: {
      weight: '^${1:0.1}',
    },
  },
  needsTeacher: false,
  create(spec) {
    const smoothing = spec.labelSmoothing ?? 0;
    requireParameter('ce', 'labelSmoothing', smoothing, (v) => v >= 0 && v < 1, 'in [0, 1)');
    return {
      label: 'ce',
      teacherLayers: [],
      studentLayers: [],
      compute: (inputs) => ceLoss(inputs.studentLogits, inputs.labels, smoothing),
    };
  },
};
