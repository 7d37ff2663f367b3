// TinyBERT's attention-based distillation (Jiao et al. 2020): each mapped student block's attention
// maps are pulled towards the teacher block's, head by head, by a mean squared error.
import * as tf from '@tensorflow/tfjs';
import { attentionName } from '../models/textPresets';
import type { LossDefinition } from './definition';
import { featuresOf, knownShape } from './layers';
import { MAPPING_SCHEMA, mappedPairs } from './mappedPairs';
import { constant } from './ops';

/**
 * Σ m_i·m_j·(A_s − A_t)²_{h,i,j} / (H · Σ_examples Σ_{i,j} m_i·m_j) for attention maps [b, H, L, L]:
 * the mean over heads and over the (query, key) pairs of real tokens (m = 1 where id ≠ 0 in
 * `tokenIds` [b, L]); without token ids, the mean over every entry.
 */
export function attentionMseLoss(student: tf.Tensor, teacher: tf.Tensor, tokenIds?: tf.Tensor): tf.Scalar {
  const squared = tf.squaredDifference(student, constant(teacher));
  const [batch, heads, length] = student.shape;
  if (tokenIds && tokenIds.rank === 2 && tokenIds.shape[1] === length) {
    const m = tf.cast(tf.notEqual(tokenIds, 0), 'float32');
    const pairs = tf.mul(tf.reshape(m, [batch, 1, length, 1]), tf.reshape(m, [batch, 1, 1, length]));
    return tf.div(tf.sum(tf.mul(squared, pairs)), tf.mul(tf.maximum(tf.sum(pairs), 1), heads)) as tf.Scalar;
  }
  return tf.mean(squared) as tf.Scalar;
}

export const attentionDefinition: LossDefinition<'attention'> = {
  type: 'attention',
  docs: "TinyBERT's attention loss: MSE between the student's and the teacher's attention probabilities [heads, L, L] of mapped blocks (`block_i_attention`), averaged over heads and over the query–key pairs of real tokens, summed over the mapped pairs. The models need the same number of heads.",
  defaults: {},
  schema: {
    properties: {
      mapping: MAPPING_SCHEMA,
      teacherLayer: {
        type: 'string',
        minLength: 1,
        description: 'attention: one teacher attention layer, e.g. `block_4_attention` (instead of `mapping`).',
      },
      studentLayer: {
        type: 'string',
        minLength: 1,
        description: 'attention: the student attention layer matched with `teacherLayer`, e.g. `block_2_attention`.',
      },
    },
  },
  example: { weight: 1, teacherLayer: 'block_2_attention', studentLayer: 'block_1_attention' },
  snippet: { label: 'attention (TinyBERT)', body: { weight: '^${1:1}', mapping: 'uniform' } },
  needsTeacher: true,
  create(spec, ctx) {
    const pairs = mappedPairs('attention', ctx, spec, attentionName);
    for (const { teacherLayer, studentLayer } of pairs) {
      const t = knownShape('attention', ctx, 'teacher', teacherLayer);
      const s = knownShape('attention', ctx, 'student', studentLayer);
      if (t.length !== 3 || t.join(',') !== s.join(','))
        throw new Error(
          `attention: teacher layer "${teacherLayer}" [${t.join(', ')}] and student layer "${studentLayer}" [${s.join(', ')}] must both be attention maps [heads, L, L] of the same shape (same number of heads)`,
        );
    }
    const label =
      spec.teacherLayer !== undefined
        ? `attention:${spec.teacherLayer}->${spec.studentLayer as string}`
        : `attention:${pairs.map((p) => `${p.teacherLayer.replace(/_attention$/, '')}->${p.studentLayer.replace(/_attention$/, '')}`).join(',')}`;
    return {
      label,
      teacherLayers: pairs.map((p) => p.teacherLayer),
      studentLayers: pairs.map((p) => p.studentLayer),
      compute: (inputs) =>
        tf.addN(
          pairs.map((p) =>
            attentionMseLoss(
              featuresOf('attention', inputs, 'student', p.studentLayer),
              featuresOf('attention', inputs, 'teacher', p.teacherLayer),
              inputs.modelInputs,
            ),
          ),
        ) as tf.Scalar,
    };
  },
};
