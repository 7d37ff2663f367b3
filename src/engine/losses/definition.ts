// What one loss method contributes to the registry: whether it needs a teacher, and how to build
// the body of a term from its spec (validated against the models' layer shapes).
import type * as tf from '@tensorflow/tfjs';
import type { LossSpec, LossType } from '../config/types';
import type { LossContext, LossInputs } from './types';

export type LossSpecOf<K extends LossType> = Extract<LossSpec, { type: K }>;

/** A term before the registry names it and attaches its spec and weight. */
export interface TermBody {
  /** Base of the series name, e.g. "kd" or "hint:block2->dense_1". */
  label: string;
  teacherLayers: string[];
  studentLayers: string[];
  compute(inputs: LossInputs): tf.Scalar;
  /** Adapter variables owned by the term (disposed with it). */
  variables?: tf.Variable[];
  /** State the term carries from step to step (memory banks, counters): never trained, checkpointed with the run. */
  state?: tf.Variable[];
  /** Frees the state and anything else the term holds besides its variables (default: disposes `state`). */
  dispose?(): void;
  /** Adapter display names keyed by student layer. */
  adapters?: Record<string, string>;
}

export interface LossDefinition<K extends LossType> {
  /** Reads teacher logits or teacher features. */
  needsTeacher: boolean;
  create(spec: LossSpecOf<K>, ctx: LossContext): TermBody;
}

/** "teacherLayer->studentLayer", the way pairs appear in term names and diagrams. */
export function pairLabel(teacherLayer: string, studentLayer: string): string {
  return `${teacherLayer}->${studentLayer}`;
}
