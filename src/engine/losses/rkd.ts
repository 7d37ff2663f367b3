// Relational knowledge distillation (Park et al., CVPR 2019): the student preserves the teacher's
// pairwise distances (normalised by their mean) and the angles of the triangles the examples form.
// Following the authors' code: smooth-L1 losses, means over all b² pairs and b³ triplets (the
// degenerate ones count as zero).
//
// Distances and angles come from the Gram matrix of the batch-centred embeddings (both are
// translation-invariant): O(b²·d + b³) work, where forming every difference vector, as the
// reference code does, costs O(b³·d) and b²·d memory.
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition } from './definition';
import { requireParameter } from './layers';
import { constant, gram, positive, smoothL1, zeroLike } from './ops';
import { relationTerm } from './relation';

/** Floor of squared distances before the square root (the reference code's clamp). */
const EPS = 1e-12;
/**
 * Difference vectors shorter than this fraction of the points' squared norms are treated as zero
 * (they are rounding noise of the Gram formula in float32), so they give an angle of zero, as
 * F.normalize gives for a zero vector.
 */
const COINCIDENT = 1e-6;

interface Geometry {
  gram: tf.Tensor2D;
  norms: tf.Tensor1D;
  squared: tf.Tensor2D;
  /** 1 where i ≠ j. */
  offDiagonal: tf.Tensor2D;
}

function geometry(e: tf.Tensor2D): Geometry {
  const b = e.shape[0];
  const centred = tf.sub(e, tf.mean(e, 0, true)) as tf.Tensor2D;
  const g = gram(centred);
  const norms = tf.sum(tf.square(centred), 1) as tf.Tensor1D;
  const squared = tf.sub(tf.add(tf.reshape(norms, [b, 1]), tf.reshape(norms, [1, b])), tf.mul(2, g)) as tf.Tensor2D;
  const offDiagonal = tf.sub(1, tf.eye(b)) as tf.Tensor2D;
  return { gram: g, norms, squared, offDiagonal };
}

/** Pairwise Euclidean distances (zero diagonal) divided by their mean over the b(b−1) distinct pairs. */
export function normalizedDistances(e: tf.Tensor2D): tf.Tensor2D {
  const b = e.shape[0];
  const { squared, offDiagonal } = geometry(e);
  const d = tf.mul(tf.sqrt(tf.maximum(squared, EPS)), offDiagonal);
  const mean = tf.div(tf.sum(d), b * (b - 1));
  return tf.div(d, mean) as tf.Tensor2D;
}

/** cos of the angle at example a between examples b and c, as a [b, b, b] tensor indexed [a, b, c]. */
export function angles(e: tf.Tensor2D): tf.Tensor3D {
  const n = e.shape[0];
  const { gram: g, norms, squared, offDiagonal } = geometry(e);
  const scale = tf.add(tf.reshape(norms, [n, 1]), tf.reshape(norms, [1, n]));
  const valid = tf.mul(offDiagonal, positive(tf.sub(squared, tf.add(tf.mul(COINCIDENT, scale), EPS))));
  // Length 1 where the difference is degenerate: those entries are masked to zero below.
  const lengths = tf.add(tf.mul(tf.sqrt(tf.maximum(squared, EPS)), valid), tf.sub(1, valid));
  // ⟨e_b − e_a, e_c − e_a⟩ = G_bc − G_ab − G_ac + G_aa
  const dot = tf.add(
    tf.sub(tf.sub(tf.reshape(g, [1, n, n]), tf.reshape(g, [n, n, 1])), tf.reshape(g, [n, 1, n])),
    tf.reshape(norms, [n, 1, 1]),
  );
  const denominator = tf.mul(tf.reshape(lengths, [n, n, 1]), tf.reshape(lengths, [n, 1, n]));
  const mask = tf.mul(tf.reshape(valid, [n, n, 1]), tf.reshape(valid, [n, 1, n]));
  return tf.mul(tf.div(dot, denominator), mask) as tf.Tensor3D;
}

/** Distance-wise RKD: mean over all b² pairs of smoothL1(ψ_D(s) − ψ_D(t)). */
export function rkdDistanceLoss(student: tf.Tensor2D, teacher: tf.Tensor2D): tf.Scalar {
  if (student.shape[0] < 2) return zeroLike(student);
  return tf.mean(smoothL1(normalizedDistances(student), normalizedDistances(constant(teacher)))) as tf.Scalar;
}

/** Angle-wise RKD: mean over all b³ triplets of smoothL1(ψ_A(s) − ψ_A(t)). */
export function rkdAngleLoss(student: tf.Tensor2D, teacher: tf.Tensor2D): tf.Scalar {
  if (student.shape[0] < 3) return zeroLike(student);
  return tf.mean(smoothL1(angles(student), angles(constant(teacher)))) as tf.Scalar;
}

/** distanceWeight·L_distance + angleWeight·L_angle (a part with weight 0 is not computed). */
export function rkdLoss(
  student: tf.Tensor2D,
  teacher: tf.Tensor2D,
  distanceWeight: number,
  angleWeight: number,
): tf.Scalar {
  const parts: tf.Scalar[] = [];
  if (distanceWeight !== 0) parts.push(tf.mul(rkdDistanceLoss(student, teacher), distanceWeight) as tf.Scalar);
  if (angleWeight !== 0) parts.push(tf.mul(rkdAngleLoss(student, teacher), angleWeight) as tf.Scalar);
  if (parts.length === 0) return zeroLike(student);
  return (parts.length === 1 ? parts[0] : tf.add(parts[0], parts[1])) as tf.Scalar;
}

export const rkdDefinition: LossDefinition<'rkd'> = {
  type: 'rkd',
  docs: 'Relational KD (Park et al. 2019): distances and angles between the examples of a batch, from the logits or the named layers. From the logits unless `teacherLayer` and `studentLayer` name feature layers.',
  defaults: {
    distanceWeight: 25,
    angleWeight: 50,
  },
  schema: {
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
      distanceWeight: {
        type: 'number',
        description: 'rkd: weight of the distance term.',
        minimum: 0,
      },
      angleWeight: {
        type: 'number',
        description: 'rkd: weight of the angle term.',
        minimum: 0,
      },
    },
  },
  example: {
    weight: 1,
    teacherLayer: 'embed',
    studentLayer: 'embed',
    distanceWeight: 25,
    angleWeight: 50,
  },
  snippet: {
    label: 'rkd',
    body: {
      weight: 1,
      distanceWeight: 25,
      angleWeight: 50,
    },
  },
  needsTeacher: true,
  create(spec, ctx) {
    requireParameter('rkd', 'distanceWeight', spec.distanceWeight, (v) => v >= 0, 'non-negative');
    requireParameter('rkd', 'angleWeight', spec.angleWeight, (v) => v >= 0, 'non-negative');
    return relationTerm('rkd', spec, ctx, (student, teacher) =>
      rkdLoss(student, teacher, spec.distanceWeight, spec.angleWeight),
    );
  },
};
