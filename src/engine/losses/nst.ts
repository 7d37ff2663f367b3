// Neuron selectivity transfer (Huang & Wang 2017, "Like What You Like"): each channel's spatial
// activation pattern is a sample; the student's set of channel patterns should follow the same
// distribution as the teacher's, measured by the maximum mean discrepancy.
import * as tf from '@tensorflow/tfjs';
import { LAYER_PAIR_SCHEMA, type LossDefinition } from './definition';
import { featureMapShape, layerPairTerm } from './layers';
import { constant, l2Normalize, matchSpatial } from './ops';

/** [batch, h, w, c] → [batch, c, h·w], each channel's map L2-normalised. */
function channelMaps(features: tf.Tensor4D): tf.Tensor3D {
  const [batch, h, w, c] = features.shape;
  const maps = tf.reshape(tf.transpose(features, [0, 3, 1, 2]), [batch, c, h * w]) as tf.Tensor3D;
  return l2Normalize(maps, 2);
}

/** Mean over the batch and all channel pairs of the polynomial kernel k(x, y) = (xᵀy)². */
function meanKernel(a: tf.Tensor3D, b: tf.Tensor3D): tf.Scalar {
  return tf.mean(tf.square(tf.matMul(a, b, false, true))) as tf.Scalar;
}

/**
 * MMD² with the polynomial kernel (d = 2, c = 0) between the student's and the teacher's
 * normalised channel maps, per example, averaged over the batch (RepDistiller's full form):
 * mean k(t, t') + mean k(s, s') − 2·mean k(s, t). Maps of different sizes are first average-pooled.
 */
export function nstLoss(studentFeatures: tf.Tensor4D, teacherFeatures: tf.Tensor4D): tf.Scalar {
  const [sMaps, tMaps] = matchSpatial(studentFeatures, constant(teacherFeatures));
  const s = channelMaps(sMaps);
  const t = channelMaps(tMaps);
  return tf.sub(tf.add(meanKernel(t, t), meanKernel(s, s)), tf.mul(2, meanKernel(s, t))) as tf.Scalar;
}

export const nstDefinition: LossDefinition<'nst'> = {
  type: 'nst',
  docs: 'Neuron selectivity transfer: maximum mean discrepancy (polynomial kernel) between teacher and student neuron activation distributions.',
  defaults: {},
  schema: LAYER_PAIR_SCHEMA,
  example: {
    weight: 50,
    teacherLayer: 't2',
    studentLayer: 's2',
  },
  needsTeacher: true,
  create(spec, ctx) {
    featureMapShape('nst', ctx, 'teacher', spec.teacherLayer, 'neuron selectivity transfer');
    featureMapShape('nst', ctx, 'student', spec.studentLayer, 'neuron selectivity transfer');
    return layerPairTerm('nst', spec, (student, teacher) => nstLoss(student as tf.Tensor4D, teacher as tf.Tensor4D));
  },
};
