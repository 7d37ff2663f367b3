// Flow of solution procedure (Yim et al., CVPR 2017): the "flow" between two layers of a network
// is the Gram matrix of their channels; the student reproduces the teacher's flow.
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition } from './definition';
import { featureMapShape, featuresOf, twoLayers } from './layers';
import { constant, matchSpatial } from './ops';

/**
 * G = F1ᵀ·F2 / (h·w) per example: [batch, h, w, c1] and [batch, h, w, c2] → [batch, c1, c2].
 * Maps of different sizes are first average-pooled to the smaller height and width.
 */
export function fspMatrix(first: tf.Tensor4D, second: tf.Tensor4D): tf.Tensor3D {
  const [a, b] = matchSpatial(first, second);
  const [batch, h, w] = a.shape;
  const flatA = tf.reshape(a, [batch, h * w, a.shape[3]]) as tf.Tensor3D;
  const flatB = tf.reshape(b, [batch, h * w, b.shape[3]]) as tf.Tensor3D;
  return tf.div(tf.matMul(flatA, flatB, true, false), h * w) as tf.Tensor3D;
}

/** mean((G_s − G_t)²) over the batch and the c1 × c2 entries. */
export function fspLoss(student: [tf.Tensor4D, tf.Tensor4D], teacher: [tf.Tensor4D, tf.Tensor4D]): tf.Scalar {
  const gs = fspMatrix(student[0], student[1]);
  const gt = fspMatrix(constant(teacher[0]), constant(teacher[1]));
  return tf.mean(tf.squaredDifference(gs, gt)) as tf.Scalar;
}

export const fspDefinition: LossDefinition<'fsp'> = {
  type: 'fsp',
  docs: 'Flow of solution procedure (Yim et al. 2017): the Gram matrix between two layers of the teacher is matched by that between two layers of the student.',
  defaults: {},
  schema: {
    properties: {
      teacherLayers: {
        type: 'array',
        items: {
          type: 'string',
          minLength: 1,
        },
        minItems: 2,
        maxItems: 2,
        description: 'fsp: two teacher layers `[start, end]` whose flow (Gram) matrix is matched.',
      },
      studentLayers: {
        type: 'array',
        items: {
          type: 'string',
          minLength: 1,
        },
        minItems: 2,
        maxItems: 2,
        description: 'fsp: two student layers `[start, end]`.',
      },
    },
    required: ['teacherLayers', 'studentLayers'],
  },
  example: {
    weight: 50,
    teacherLayers: ['t1', 't2'],
    studentLayers: ['s1', 's2'],
  },
  needsTeacher: true,
  create(spec, ctx) {
    const teacherLayers = twoLayers('fsp', 'teacherLayers', spec.teacherLayers);
    const studentLayers = twoLayers('fsp', 'studentLayers', spec.studentLayers);
    const why = 'an FSP matrix';
    const t = teacherLayers.map((layer) => featureMapShape('fsp', ctx, 'teacher', layer, why));
    const s = studentLayers.map((layer) => featureMapShape('fsp', ctx, 'student', layer, why));
    for (const i of [0, 1]) {
      if (t[i][2] !== s[i][2]) {
        throw new Error(
          `fsp: teacher layer "${spec.teacherLayers[i]}" has ${t[i][2]} channels but student layer "${spec.studentLayers[i]}" has ${s[i][2]}; FSP matrices of both models must have the same size`,
        );
      }
    }
    return {
      label: `fsp:${teacherLayers.join(',')}->${studentLayers.join(',')}`,
      teacherLayers: [...teacherLayers],
      studentLayers: [...studentLayers],
      compute: (inputs) => {
        const read = (side: 'teacher' | 'student', layers: [string, string]) =>
          layers.map((layer) => featuresOf('fsp', inputs, side, layer) as tf.Tensor4D) as [tf.Tensor4D, tf.Tensor4D];
        return fspLoss(read('student', studentLayers), read('teacher', teacherLayers));
      },
    };
  },
};
