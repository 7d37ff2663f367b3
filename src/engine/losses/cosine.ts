// DistilBERT's cosine embedding loss (Sanh et al. 2019): the student's hidden states point the
// same way as the teacher's, position by position; padding positions of text are left out.
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition } from './definition';
import { knownShape, layerPairTerm } from './layers';
import { constant, l2Normalize } from './ops';

/**
 * mean over vectors of 1 − cos(s, t), where a vector is a layer's last axis: one per example for
 * [b, d], one per position for [b, L, d]. With `tokenIds` [b, L] the mean is over real tokens only
 * (id ≠ 0), as DistilBERT masks its hidden states with the attention mask.
 */
export function cosineLoss(student: tf.Tensor, teacher: tf.Tensor, tokenIds?: tf.Tensor): tf.Scalar {
  const width = student.shape[student.rank - 1];
  const s = l2Normalize(tf.reshape(student, [-1, width]) as tf.Tensor2D);
  const t = l2Normalize(tf.reshape(constant(teacher), [-1, width]) as tf.Tensor2D);
  const distance = tf.sub(1, tf.sum(tf.mul(s, t), 1));
  if (student.rank === 3 && tokenIds && tokenIds.rank === 2 && tokenIds.shape[1] === student.shape[1]) {
    const mask = tf.reshape(tf.cast(tf.notEqual(tokenIds, 0), 'float32'), [-1]);
    return tf.div(tf.sum(tf.mul(distance, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  }
  return tf.mean(distance) as tf.Scalar;
}

export const cosineDefinition: LossDefinition<'cosine'> = {
  type: 'cosine',
  docs: "DistilBERT's cosine embedding loss: mean of 1 − cos(student, teacher) over the hidden-state vectors of two layers of equal shape (per position for sequences, padding left out). For different widths use `hint` (MSE through a learned projection).",
  defaults: {},
  schema: {
    properties: {
      teacherLayer: {
        type: 'string',
        minLength: 1,
        description:
          'cosine: the teacher layer whose hidden states are matched, e.g. `block_4` of a transformer preset.',
      },
      studentLayer: {
        type: 'string',
        minLength: 1,
        description: 'cosine: the student layer of the same output shape, e.g. `block_2`.',
      },
    },
    required: ['teacherLayer', 'studentLayer'],
  },
  example: { weight: 0.1, teacherLayer: 't1', studentLayer: 's1' },
  snippet: {
    label: 'cosine (DistilBERT)',
    body: { weight: '^${1:0.1}', teacherLayer: '$2', studentLayer: '$3' },
  },
  needsTeacher: true,
  create(spec, ctx) {
    const t = knownShape('cosine', ctx, 'teacher', spec.teacherLayer);
    const s = knownShape('cosine', ctx, 'student', spec.studentLayer);
    if (t.join(',') !== s.join(','))
      throw new Error(
        `cosine: teacher layer "${spec.teacherLayer}" [${t.join(', ')}] and student layer "${spec.studentLayer}" [${s.join(', ')}] differ in shape; cosine compares hidden states of equal width (use hint, which learns a projection, when widths differ)`,
      );
    return layerPairTerm('cosine', spec, (student, teacher, inputs) =>
      cosineLoss(student, teacher, inputs.modelInputs),
    );
  },
};
