// Several frozen teachers seen as one: their logits averaged with weights. This follows
// TextBrewer's MultiTeacherDistiller (the mean of the teachers' logits, then KD at the KD term's
// temperature). Averaging logits keeps the temperature meaningful: softmax(Σ wᵢ zᵢ / τ) is the
// normalised weighted geometric mean of the teachers' distributions at τ, for every τ. Averaging
// probabilities at temperature 1 (You et al. 2017 average softened outputs) and then taking logs
// would let each KD term re-soften an already-averaged distribution, which no longer equals the
// average of the teachers' softened outputs at that temperature.
import * as tf from '@tensorflow/tfjs';
import type { TeacherSource } from '../train/teacherOutputs';

export type TeacherWeighting = 'mean' | 'weights' | 'accuracy';

/** Σ wᵢ · logitsᵢ (weights already normalised). */
export function combineLogits(logits: tf.Tensor2D[], weights: number[]): tf.Tensor2D {
  return tf.tidy(() => tf.addN(logits.map((l, i) => tf.mul(l, weights[i]))) as tf.Tensor2D);
}

/** Scales non-negative weights to sum to 1. */
export function normaliseWeights(weights: number[]): number[] {
  if (weights.some((w) => !Number.isFinite(w) || w < 0))
    throw new Error(`teacher weights must be finite and non-negative, got [${weights.join(', ')}]`);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new Error(`teacher weights must not all be zero, got [${weights.join(', ')}]`);
  return weights.map((w) => w / sum);
}

/**
 * The teachers' weights: equal ('mean'), the given ones ('weights'), or proportional to each
 * teacher's best validation accuracy ('accuracy'); always normalised to sum to 1.
 */
export function teacherWeights(
  weighting: TeacherWeighting,
  count: number,
  given: number[] | undefined,
  validationAccuracy: (number | null)[],
): number[] {
  switch (weighting) {
    case 'mean':
      return new Array<number>(count).fill(1 / count);
    case 'weights':
      if (!given || given.length !== count)
        throw new Error(
          `distill.teacherWeights needs one weight per teacher (${count}), got ${given ? given.length : 'none'}`,
        );
      return normaliseWeights(given);
    case 'accuracy':
      if (validationAccuracy.some((a) => a === null))
        throw new Error('teacherWeighting "accuracy" needs a validation split (data.validationSplit > 0)');
      return normaliseWeights(validationAccuracy as number[]);
  }
}

/** One teacher source serving the weighted mean of several teachers' logits. */
export function ensembleTeacher(sources: TeacherSource[], weights: number[]): TeacherSource {
  if (sources.length !== weights.length)
    throw new Error(`ensemble: ${sources.length} teachers but ${weights.length} weights`);
  return {
    cached: sources.every((s) => s.cached),
    forBatch(batch, xs) {
      const parts = sources.map((s) => s.forBatch(batch, xs));
      const logits = combineLogits(
        parts.map((p) => p.logits),
        weights,
      );
      tf.dispose(parts.flatMap((p) => [p.logits, ...Object.values(p.features)]));
      return { logits, features: {} };
    },
    dispose() {
      sources.forEach((s) => s.dispose());
    },
  };
}
