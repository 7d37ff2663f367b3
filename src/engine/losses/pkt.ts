// Probabilistic knowledge transfer (Passalis & Tefas, ECCV 2018): cosine similarities between the
// examples of a batch, turned into conditional probabilities, matched with a KL divergence.
// Follows the authors' code (also RepDistiller's PKT), including its epsilons.
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition } from './definition';
import { constant } from './ops';
import { relationTerm } from './relation';

export const PKT_EPS = 1e-7;

/** P_ij = k_ij / Σ_j k_ij with k_ij = (cos(f_i, f_j) + 1) / 2 and f_i / (‖f_i‖ + ε). */
export function conditionalProbabilities(features: tf.Tensor2D): tf.Tensor2D {
  const norm = tf.sqrt(tf.sum(tf.square(features), 1, true));
  const unit = tf.div(features, tf.add(norm, PKT_EPS)) as tf.Tensor2D;
  const kernel = tf.div(tf.add(tf.matMul(unit, unit, false, true), 1), 2);
  return tf.div(kernel, tf.sum(kernel, 1, true)) as tf.Tensor2D;
}

/** mean over all b² entries of P_t · log((P_t + ε) / (P_s + ε)). */
export function pktLoss(student: tf.Tensor2D, teacher: tf.Tensor2D): tf.Scalar {
  const ps = conditionalProbabilities(student);
  const pt = conditionalProbabilities(constant(teacher));
  return tf.mean(tf.mul(pt, tf.sub(tf.log(tf.add(pt, PKT_EPS)), tf.log(tf.add(ps, PKT_EPS))))) as tf.Scalar;
}

export const pktDefinition: LossDefinition<'pkt'> = {
  type: 'pkt',
  docs: 'Probabilistic knowledge transfer: KL divergence between the conditional probability distributions of the embeddings (cosine-similarity kernel). From the logits unless `teacherLayer` and `studentLayer` name feature layers.',
  defaults: {},
  schema: {
    properties: {
      teacherLayer: {
        type: 'string',
        minLength: 1,
        description: 'Name of the teacher layer to match (see the model summary: `kd describe`).',
      },
      studentLayer: {
        type: 'string',
        minLength: 1,
        description: 'Name of the student layer to match.',
      },
    },
  },
  example: {
    weight: 30000,
    teacherLayer: 'embed',
    studentLayer: 'embed',
  },
  needsTeacher: true,
  create: (spec, ctx) => relationTerm('pkt', spec, ctx, (student, teacher) => pktLoss(student, teacher)),
};
