// TinyBERT's embedding-layer loss (Jiao et al. 2020): the student's token embeddings, projected to
// the teacher's width by a learned matrix W_e when the widths differ, match the teacher's.
import { pairLabel, type LossDefinition } from './definition';
import { knownShape, layerPairTerm } from './layers';
import { projectionOf, sequenceMseLoss, widthProjection } from './sequenceMse';

export const embeddingDefinition: LossDefinition<'embedding'> = {
  type: 'embedding',
  docs: "TinyBERT's embedding loss: MSE between the student's embedding output, projected by a learned matrix W_e when the widths differ, and the teacher's, over real token positions.",
  defaults: { teacherLayer: 'embedding', studentLayer: 'embedding' },
  schema: {
    properties: {
      teacherLayer: {
        type: 'string',
        minLength: 1,
        description: 'embedding: the teacher embedding layer (the text presets name it `embedding`).',
      },
      studentLayer: {
        type: 'string',
        minLength: 1,
        description: 'embedding: the student embedding layer (the text presets name it `embedding`).',
      },
    },
  },
  example: { weight: 1, teacherLayer: 'embedding', studentLayer: 'embedding' },
  snippet: { label: 'embedding (TinyBERT)', body: { weight: '^${1:1}' } },
  needsTeacher: true,
  create(spec, ctx) {
    const t = knownShape('embedding', ctx, 'teacher', spec.teacherLayer);
    const s = knownShape('embedding', ctx, 'student', spec.studentLayer);
    if (t.length !== s.length || t.slice(0, -1).join(',') !== s.slice(0, -1).join(','))
      throw new Error(
        `embedding: teacher layer "${spec.teacherLayer}" [${t.join(', ')}] and student layer "${spec.studentLayer}" [${s.join(', ')}] must have the same shape but for their width (the last axis)`,
      );
    const label = `embedding:${pairLabel(spec.teacherLayer, spec.studentLayer)}`;
    const adapter = widthProjection(s[s.length - 1], t[t.length - 1], ctx.seed, label);
    return {
      ...layerPairTerm('embedding', spec, (student, teacher, inputs) =>
        sequenceMseLoss(student, teacher, projectionOf(adapter), inputs.modelInputs),
      ),
      variables: adapter ? [adapter.kernel, adapter.bias] : [],
      adapters: adapter ? { [spec.studentLayer]: adapter.description } : {},
    };
  },
};
