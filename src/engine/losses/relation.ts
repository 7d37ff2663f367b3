// Shared plumbing of the relation losses (RKD, SP, CC, PKT): each side reads a tapped layer's
// output flattened per example, or its logits when the spec names no layer for that side. The two
// sides may have different widths: these losses compare batch × batch relations, never features.
import * as tf from '@tensorflow/tfjs';
import { pairLabel, type TermBody } from './definition';
import { featuresOf, layerShape, teacherLogitsOf } from './layers';
import type { LossContext, LossInputs } from './types';
import { flattenPerSample } from './ops';

export interface RelationSpec {
  teacherLayer?: string;
  studentLayer?: string;
}

interface RelationInputs {
  label: string;
  teacherLayers: string[];
  studentLayers: string[];
  /** [student, teacher] embeddings of the batch, each [batch, features]. */
  embeddings(inputs: LossInputs): [tf.Tensor2D, tf.Tensor2D];
}

function relationInputs(loss: string, spec: RelationSpec, ctx: LossContext): RelationInputs {
  if (spec.teacherLayer !== undefined) layerShape(loss, ctx, 'teacher', spec.teacherLayer);
  if (spec.studentLayer !== undefined) layerShape(loss, ctx, 'student', spec.studentLayer);
  const named = spec.teacherLayer !== undefined || spec.studentLayer !== undefined;
  return {
    label: named ? `${loss}:${pairLabel(spec.teacherLayer ?? 'logits', spec.studentLayer ?? 'logits')}` : loss,
    teacherLayers: spec.teacherLayer !== undefined ? [spec.teacherLayer] : [],
    studentLayers: spec.studentLayer !== undefined ? [spec.studentLayer] : [],
    embeddings: (inputs) => {
      const s =
        spec.studentLayer !== undefined ? featuresOf(loss, inputs, 'student', spec.studentLayer) : inputs.studentLogits;
      const t =
        spec.teacherLayer !== undefined
          ? featuresOf(loss, inputs, 'teacher', spec.teacherLayer)
          : teacherLogitsOf(loss, inputs);
      return [flattenPerSample(s), flattenPerSample(t)];
    },
  };
}

/** The term body of a relation loss: `loss(student, teacher)` on the embeddings the spec selects. */
export function relationTerm(
  loss: string,
  spec: RelationSpec,
  ctx: LossContext,
  fn: (student: tf.Tensor2D, teacher: tf.Tensor2D) => tf.Scalar,
): TermBody {
  const relation = relationInputs(loss, spec, ctx);
  return {
    label: relation.label,
    teacherLayers: relation.teacherLayers,
    studentLayers: relation.studentLayers,
    compute: (inputs) => fn(...relation.embeddings(inputs)),
  };
}
