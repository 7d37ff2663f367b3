import type * as tf from '@tensorflow/tfjs';
import type { LossSpec } from '../config/types';

/** Everything a loss term may read for one batch. Feature maps are keyed by layer name. */
export interface LossInputs {
  studentLogits: tf.Tensor2D;
  /** Absent when the stage has no teacher (plain training, baseline). */
  teacherLogits?: tf.Tensor2D;
  /** One-hot labels, batch × classes. */
  labels: tf.Tensor2D;
  studentFeatures: Record<string, tf.Tensor>;
  teacherFeatures: Record<string, tf.Tensor>;
  /** 1-based epoch, for losses with a warm-up (DKD). */
  epoch: number;
  /** Each example's index in the training split (training steps only): per-example state such as CRD's memory. */
  indices?: Int32Array;
  /** The batch as the models read it; for text, token ids whose zeros are padding (sequence losses mask them). */
  modelInputs?: tf.Tensor;
}

export interface LossContext {
  /** Output shapes (without the batch dimension) of the tappable layers of each model. */
  teacherShapes: Record<string, number[]>;
  studentShapes: Record<string, number[]>;
  classes: number;
  seed: number;
  /** Examples in the training split: sizes per-example state (CRD's memory banks). */
  trainSize?: number;
}

/** One weighted term of a distillation objective. */
export interface LossTerm {
  /** Series name in events.jsonl, unique within a stage: "ce", "kd", "hint:block2->dense_1". */
  name: string;
  spec: LossSpec;
  weight: number;
  needsTeacher: boolean;
  /** Teacher and student layers this term reads (besides the logits). */
  teacherLayers: string[];
  studentLayers: string[];
  /** Learned adaptation layers (regressors) owned by the term, trained with the student, never exported. */
  trainableVariables(): tf.Variable[];
  /**
   * State carried from step to step (CRD's memory banks and counters): not trained, saved and
   * restored with the stage's checkpoint after the adapters, so a resumed run continues exactly.
   */
  stateVariables(): tf.Variable[];
  /** Names of the adaptation layers for diagrams, keyed by student layer name. */
  adapters(): Record<string, string>;
  /** The unweighted loss value; must be differentiable with respect to student tensors and adapters. */
  compute(inputs: LossInputs): tf.Scalar;
  dispose(): void;
}
