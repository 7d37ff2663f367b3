// Attention transfer (Zagoruyko & Komodakis, ICLR 2017): the student mimics where the teacher's
// feature maps are active. Activation-based attention, as in the authors' code and RepDistiller.
import * as tf from '@tensorflow/tfjs';
import { pairLabel, type LossDefinition } from './definition';
import { featureMapShape, featuresOf, requireParameter } from './layers';
import { constant, l2Normalize, matchSpatial } from './ops';

/** Q = normalise(flatten(mean over channels of |F|^p)) per example: [batch, h, w, c] → [batch, h·w]. */
export function attentionMap(features: tf.Tensor4D, p: number): tf.Tensor2D {
  const powered = p === 2 ? tf.square(features) : tf.pow(tf.abs(features), p);
  const map = tf.mean(powered, 3);
  return l2Normalize(tf.reshape(map, [features.shape[0], -1]) as tf.Tensor2D, 1);
}

/**
 * mean((Q_s − Q_t)²) over the batch and the spatial positions, for one pair of feature maps.
 * Maps of different sizes are first average-pooled to the smaller height and width.
 */
export function atLoss(studentFeatures: tf.Tensor4D, teacherFeatures: tf.Tensor4D, p: number): tf.Scalar {
  const [s, t] = matchSpatial(studentFeatures, constant(teacherFeatures));
  return tf.mean(tf.squaredDifference(attentionMap(s, p), attentionMap(t, p))) as tf.Scalar;
}

export const atDefinition: LossDefinition<'at'> = {
  type: 'at',
  docs: 'Attention transfer (Zagoruyko & Komodakis 2017): distance between normalised spatial attention maps (|A|^p summed over channels) of layer pairs.',
  defaults: {
    p: 2,
  },
  schema: {
    properties: {
      pairs: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['teacherLayer', 'studentLayer'],
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
          additionalProperties: false,
        },
        description:
          'at: the teacher and student layers whose attention maps are matched, e.g. the outputs of each stage.',
      },
      p: {
        type: 'number',
        description: 'at: power p of the attention map Σ|A|^p.',
        exclusiveMinimum: 0,
      },
    },
    required: ['pairs'],
  },
  example: {
    weight: 1000,
    p: 2,
    pairs: [
      {
        teacherLayer: 't1',
        studentLayer: 's1',
      },
    ],
  },
  snippet: {
    label: 'at',
    body: {
      weight: 1000,
      pairs: [
        {
          teacherLayer: '$1',
          studentLayer: '$2',
        },
      ],
    },
  },
  needsTeacher: true,
  create(spec, ctx) {
    requireParameter('at', 'p', spec.p, (v) => v >= 1, 'at least 1');
    if (!Array.isArray(spec.pairs) || spec.pairs.length === 0)
      throw new Error('at: needs at least one {teacherLayer, studentLayer} pair');
    for (const pair of spec.pairs) {
      featureMapShape('at', ctx, 'teacher', pair.teacherLayer, 'attention transfer');
      featureMapShape('at', ctx, 'student', pair.studentLayer, 'attention transfer');
    }
    return {
      label: `at:${spec.pairs.map((pair) => pairLabel(pair.teacherLayer, pair.studentLayer)).join(',')}`,
      teacherLayers: spec.pairs.map((pair) => pair.teacherLayer),
      studentLayers: spec.pairs.map((pair) => pair.studentLayer),
      // The mean over pairs (RepDistiller sums them: multiply the weight by the number of pairs to match).
      compute: (inputs) => {
        const losses = spec.pairs.map((pair) =>
          atLoss(
            featuresOf('at', inputs, 'student', pair.studentLayer) as tf.Tensor4D,
            featuresOf('at', inputs, 'teacher', pair.teacherLayer) as tf.Tensor4D,
            spec.p,
          ),
        );
        return tf.div(losses.length === 1 ? losses[0] : tf.addN(losses), losses.length) as tf.Scalar;
      },
    };
  },
};
