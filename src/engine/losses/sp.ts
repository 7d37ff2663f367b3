// Similarity-preserving KD (Tung & Mori, ICCV 2019): examples that the teacher finds similar
// should look similar to the student, compared through batch × batch similarity matrices.
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition } from './definition';
import { constant, gram, l2Normalize } from './ops';
import { relationTerm } from './relation';

/** G = row-L2-normalised F·Fᵀ for embeddings F [batch, features]. */
export function similarityMatrix(features: tf.Tensor2D): tf.Tensor2D {
  return l2Normalize(gram(features), 1);
}

/** ‖G_t − G_s‖_F² / b². */
export function spLoss(student: tf.Tensor2D, teacher: tf.Tensor2D): tf.Scalar {
  const b = student.shape[0];
  const diff = tf.sub(similarityMatrix(constant(teacher)), similarityMatrix(student));
  return tf.div(tf.sum(tf.square(diff)), b * b) as tf.Scalar;
}

export const spDefinition: LossDefinition<'sp'> = {
  type: 'sp',
  docs: 'Similarity-preserving KD: the batch similarity (Gram) matrices of teacher and student features agree. From the logits unless `teacherLayer` and `studentLayer` name feature layers.',
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
    weight: 3000,
    teacherLayer: 't2',
    studentLayer: 's2',
  },
  needsTeacher: true,
  create: (spec, ctx) => relationTerm('sp', spec, ctx, (student, teacher) => spLoss(student, teacher)),
};
