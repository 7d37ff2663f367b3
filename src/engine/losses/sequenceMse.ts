// TinyBERT's embedding and hidden-state losses: a mean squared error between the student's vectors,
// projected to the teacher's width by a learned matrix when the widths differ, and the teacher's,
// over real token positions only (padding carries no meaning).
import * as tf from '@tensorflow/tfjs';
import { adapterSeed, applyLinear, createLinearAdapter, type LinearAdapter } from './adapters';
import { constant } from './ops';

/**
 * Σ m·‖s·W + b − t‖² / (Σ m · d_t) over examples and positions, for [b, L, d_s] and [b, L, d_t]
 * (or [b, d] vectors, m = 1), m = 1 at real tokens (id ≠ 0 in `tokenIds` [b, L]) and 0 at padding;
 * without a projection s is compared directly.
 */
export function sequenceMseLoss(
  student: tf.Tensor,
  teacher: tf.Tensor,
  projection?: { kernel: tf.Tensor2D; bias: tf.Tensor1D },
  tokenIds?: tf.Tensor,
): tf.Scalar {
  const s = projection ? applyLinear(student, projection.kernel, projection.bias) : student;
  const t = constant(teacher);
  if (!tf.util.arraysEqual(s.shape, t.shape))
    throw new Error(
      `student features ${JSON.stringify(s.shape)} do not match teacher features ${JSON.stringify(t.shape)}`,
    );
  const width = t.shape[t.rank - 1];
  const perVector = tf.sum(tf.squaredDifference(s, t), -1);
  if (t.rank === 3 && tokenIds && tokenIds.rank === 2 && tokenIds.shape[1] === t.shape[1]) {
    const mask = tf.cast(tf.notEqual(tokenIds, 0), 'float32');
    return tf.div(tf.sum(tf.mul(perVector, mask)), tf.mul(tf.maximum(tf.sum(mask), 1), width)) as tf.Scalar;
  }
  return tf.div(tf.mean(perVector), width) as tf.Scalar;
}

/** A learned d_s → d_t projection (TinyBERT's W_e, W_h), or none when the widths agree. */
export function widthProjection(
  studentWidth: number,
  teacherWidth: number,
  seed: number,
  label: string,
): LinearAdapter | undefined {
  if (studentWidth === teacherWidth) return undefined;
  return createLinearAdapter(studentWidth, teacherWidth, adapterSeed(seed, label), 'dense', label);
}

export function projectionOf(adapter?: LinearAdapter): { kernel: tf.Tensor2D; bias: tf.Tensor1D } | undefined {
  return adapter ? { kernel: adapter.kernel as tf.Tensor2D, bias: adapter.bias as tf.Tensor1D } : undefined;
}
