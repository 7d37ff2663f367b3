// Correlation congruence (Peng et al., ICCV 2019): the student's correlations between the
// examples of a batch should match the teacher's. The paper's form: correlations through a
// Gaussian RBF kernel approximated by its Taylor expansion on L2-normalised embeddings, with
// γ = 0.4 and order P = 2 (the defaults of the Knowledge-Distillation-Zoo implementation), and a
// mean squared error between the two matrices. Teacher and student widths may differ: only
// b × b matrices are compared.
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition } from './definition';
import { constant, gram, l2Normalize } from './ops';
import { relationTerm } from './relation';

export const CC_GAMMA = 0.4;
export const CC_ORDER = 2;

/**
 * C_ij = exp(−2γ)·Σ_{p=0..P} (2γ)^p / p! · (f_iᵀf_j)^p with f = F_i / ‖F_i‖: the expansion of
 * exp(−γ‖f_i − f_j‖²) = exp(−2γ)·exp(2γ f_iᵀf_j) for unit vectors.
 */
export function correlationMatrix(features: tf.Tensor2D, gamma = CC_GAMMA, order = CC_ORDER): tf.Tensor2D {
  const similarity = gram(l2Normalize(features, 1));
  let sum: tf.Tensor = tf.onesLike(similarity);
  let power: tf.Tensor = tf.onesLike(similarity);
  let coefficient = 1;
  for (let p = 1; p <= order; p++) {
    power = tf.mul(power, similarity);
    coefficient *= (2 * gamma) / p;
    sum = tf.add(sum, tf.mul(power, coefficient));
  }
  return tf.mul(sum, Math.exp(-2 * gamma)) as tf.Tensor2D;
}

/** ‖C_t − C_s‖_F² / b². */
export function ccLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, gamma = CC_GAMMA, order = CC_ORDER): tf.Scalar {
  const b = student.shape[0];
  const diff = tf.sub(correlationMatrix(constant(teacher), gamma, order), correlationMatrix(student, gamma, order));
  return tf.div(tf.sum(tf.square(diff)), b * b) as tf.Scalar;
}

export const ccDefinition: LossDefinition<'cc'> = {
  type: 'cc',
  docs: "Correlation congruence: correlations between the examples' embeddings agree. From the logits unless `teacherLayer` and `studentLayer` name feature layers.",
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
    weight: 0.02,
  },
  needsTeacher: true,
  create: (spec, ctx) => relationTerm('cc', spec, ctx, (student, teacher) => ccLoss(student, teacher)),
};
