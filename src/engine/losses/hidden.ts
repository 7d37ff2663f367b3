// TinyBERT's hidden-state loss (Jiao et al. 2020): each mapped student block's output, projected to
// the teacher's width by one learned matrix W_h shared by all pairs, is pulled towards the mapped
// teacher block's output by a mean squared error over real tokens.
import * as tf from '@tensorflow/tfjs';
import { blockName } from '../models/textPresets';
import type { LossDefinition } from './definition';
import { featuresOf, knownShape } from './layers';
import { MAPPING_SCHEMA, mappedPairs } from './mappedPairs';
import { projectionOf, sequenceMseLoss, widthProjection } from './sequenceMse';

export const hiddenDefinition: LossDefinition<'hidden'> = {
  type: 'hidden',
  docs: "TinyBERT's hidden-state loss: MSE between mapped student blocks' outputs, projected by one learned matrix W_h when the widths differ, and the teacher blocks' outputs, over real token positions, summed over the mapped pairs.",
  defaults: {},
  schema: {
    properties: {
      mapping: MAPPING_SCHEMA,
      teacherLayer: {
        type: 'string',
        minLength: 1,
        description: 'hidden: one teacher layer, e.g. `block_4` (instead of `mapping`).',
      },
      studentLayer: {
        type: 'string',
        minLength: 1,
        description: 'hidden: the student layer matched with `teacherLayer`, e.g. `block_2`.',
      },
    },
  },
  example: { weight: 1, teacherLayer: 'block_2', studentLayer: 'block_1' },
  snippet: { label: 'hidden (TinyBERT)', body: { weight: '^${1:1}', mapping: 'uniform' } },
  needsTeacher: true,
  create(spec, ctx) {
    const pairs = mappedPairs('hidden', ctx, spec, blockName);
    const widths = pairs.map(({ teacherLayer, studentLayer }) => {
      const t = knownShape('hidden', ctx, 'teacher', teacherLayer);
      const s = knownShape('hidden', ctx, 'student', studentLayer);
      if (t.length !== s.length || t.slice(0, -1).join(',') !== s.slice(0, -1).join(','))
        throw new Error(
          `hidden: teacher layer "${teacherLayer}" [${t.join(', ')}] and student layer "${studentLayer}" [${s.join(', ')}] must have the same shape but for their width (the last axis)`,
        );
      return [s[s.length - 1], t[t.length - 1]];
    });
    if (new Set(widths.map((w) => w.join('->'))).size > 1)
      throw new Error(
        `hidden: the mapped layers have different widths (${widths.map((w) => w.join('->')).join(', ')}); one projection W_h serves all pairs`,
      );
    const label = `hidden:${pairs.map((p) => `${p.teacherLayer}->${p.studentLayer}`).join(',')}`;
    const adapter = widthProjection(widths[0][0], widths[0][1], ctx.seed, label);
    return {
      label,
      teacherLayers: pairs.map((p) => p.teacherLayer),
      studentLayers: pairs.map((p) => p.studentLayer),
      variables: adapter ? [adapter.kernel, adapter.bias] : [],
      adapters: adapter ? Object.fromEntries(pairs.map((p) => [p.studentLayer, adapter.description])) : {},
      compute: (inputs) =>
        tf.addN(
          pairs.map((p) =>
            sequenceMseLoss(
              featuresOf('hidden', inputs, 'student', p.studentLayer),
              featuresOf('hidden', inputs, 'teacher', p.teacherLayer),
              projectionOf(adapter),
              inputs.modelInputs,
            ),
          ),
        ) as tf.Scalar,
    };
  },
};
