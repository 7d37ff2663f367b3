// FitNets (Romero et al., ICLR 2015): a student layer (the "guided" layer), passed through a
// learned regressor, is pulled towards a teacher layer (the "hint") by a mean squared error.
import * as tf from '@tensorflow/tfjs';
import { LAYER_PAIR_SCHEMA, pairLabel, type LossDefinition } from './definition';
import { adapterSeed, applyLinear, createLinearAdapter, type LinearAdapter } from './adapters';
import { knownShape, layerPairTerm } from './layers';
import { constant, flattenPerSample, matchSpatial } from './ops';

export interface Regressor {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/**
 * Mean over all elements of (r(S) − T)², where r is the regressor (identity when absent).
 * Two feature maps [batch, h, w, c]: the larger map is average-pooled (adaptive average pooling,
 * per axis) to the smaller one's height and width, and r is a 1×1 convolution on the channels.
 * Any other pair of shapes: both are flattened per example and r is a dense layer.
 */
export function hintLoss(studentFeatures: tf.Tensor, teacherFeatures: tf.Tensor, regressor?: Regressor): tf.Scalar {
  let s: tf.Tensor;
  let t: tf.Tensor;
  if (studentFeatures.rank === 4 && teacherFeatures.rank === 4) {
    [s, t] = matchSpatial(studentFeatures as tf.Tensor4D, constant(teacherFeatures) as tf.Tensor4D);
  } else {
    s = flattenPerSample(studentFeatures);
    t = flattenPerSample(constant(teacherFeatures));
  }
  if (regressor) s = applyLinear(s, regressor.kernel, regressor.bias);
  if (!tf.util.arraysEqual(s.shape, t.shape)) {
    throw new Error(
      `hint: student features ${JSON.stringify(s.shape)} do not match teacher features ${JSON.stringify(t.shape)}`,
    );
  }
  return tf.mean(tf.squaredDifference(s, t)) as tf.Scalar;
}

export const hintDefinition: LossDefinition<'hint'> = {
  type: 'hint',
  docs: 'FitNets hint: mean squared error between a teacher feature map and a student feature map passed through a learned regressor.',
  defaults: {},
  schema: LAYER_PAIR_SCHEMA,
  example: {
    weight: 100,
    teacherLayer: 't1',
    studentLayer: 'narrow',
  },
  snippet: {
    label: 'hint (FitNets)',
    body: {
      weight: 1,
      teacherLayer: '$1',
      studentLayer: '$2',
    },
  },
  needsTeacher: true,
  create(spec, ctx) {
    const tShape = knownShape('hint', ctx, 'teacher', spec.teacherLayer);
    const sShape = knownShape('hint', ctx, 'student', spec.studentLayer);
    const label = `hint:${pairLabel(spec.teacherLayer, spec.studentLayer)}`;
    const maps = tShape.length === 3 && sShape.length === 3;
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    const [inputs, outputs] = maps ? [sShape[2], tShape[2]] : [size(sShape), size(tShape)];
    // Same width (and, for vectors, the same shape): compared directly, as torchdistill does without a regressor.
    const needsRegressor = maps ? inputs !== outputs : inputs !== outputs || !tf.util.arraysEqual(sShape, tShape);
    const adapter: LinearAdapter | undefined = needsRegressor
      ? createLinearAdapter(inputs, outputs, adapterSeed(ctx.seed, label), maps ? 'conv1x1' : 'dense', label)
      : undefined;
    return {
      ...layerPairTerm('hint', spec, (student, teacher) =>
        hintLoss(
          student,
          teacher,
          adapter ? { kernel: adapter.kernel as tf.Tensor2D, bias: adapter.bias as tf.Tensor1D } : undefined,
        ),
      ),
      variables: adapter ? [adapter.kernel, adapter.bias] : [],
      adapters: adapter ? { [spec.studentLayer]: adapter.description } : {},
    };
  },
};
