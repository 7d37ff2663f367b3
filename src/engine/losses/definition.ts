// What one loss method is, in one place: its config name, one-line docs, defaults, the schema of
// its parameters, example parameters for the generic tests, whether it needs a teacher, and how to
// build the body of a term from its spec (validated against the models' layer shapes). The registry,
// the shipped JSON Schema (`npm run schema`) and the generic tests all derive from these definitions.
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

/** A JSON-schema fragment as plain data; `description` is Markdown (the generator derives the plain one). */
export type SchemaFragment = { [key: string]: SchemaValue };
type SchemaValue = string | number | boolean | null | SchemaValue[] | SchemaFragment;

/** The parameters of a loss other than `type` and `weight`. */
type ParametersOf<K extends LossType> = Omit<LossSpecOf<K>, 'type' | 'weight'>;

export interface LossDefinition<K extends LossType> {
  /** The config name (`"type"` in a loss term). */
  type: K;
  /** One line of Markdown: what the loss computes, and its source. Shown in the editor and the docs. */
  docs: string;
  /** Values filled in for parameters the file leaves out (stated as `default` in the schema). */
  defaults: Partial<ParametersOf<K>>;
  /** The schema of the parameters: `properties` (without type and weight) and `required`. */
  schema: {
    properties: Record<keyof ParametersOf<K> & string, SchemaFragment>;
    required?: (keyof ParametersOf<K> & string)[];
  };
  /**
   * A valid term for the generic tests (registry, schema, language service): layer names refer to
   * EXAMPLE_LAYERS below.
   */
  example: { weight: number } & ParametersOf<K>;
  /** A completion snippet offered by the editor inside `losses` (VS Code snippet syntax allowed). */
  snippet?: { label: string; body: Record<string, SchemaValue> };
  /** Reads teacher logits or teacher features. */
  needsTeacher: boolean;
  create(spec: LossSpecOf<K>, ctx: LossContext): TermBody;
}

/** "teacherLayer->studentLayer", the way pairs appear in term names and diagrams. */
export function pairLabel(teacherLayer: string, studentLayer: string): string {
  return `${teacherLayer}->${studentLayer}`;
}

/** The schema of a teacher/student layer pair, shared by the losses that match layers. */
export const LAYER_PAIR = {
  teacherLayer: {
    type: 'string',
    minLength: 1,
    description: 'Name of the teacher layer to match (see the model summary: `kd describe`).',
  },
  studentLayer: { type: 'string', minLength: 1, description: 'Name of the student layer to match.' },
} as const satisfies Record<string, SchemaFragment>;

/** The parameter schema of a loss that reads exactly one teacher layer and one student layer. */
export const LAYER_PAIR_SCHEMA = {
  properties: { ...LAYER_PAIR },
  required: ['teacherLayer', 'studentLayer'] as ('teacherLayer' | 'studentLayer')[],
};

/** Layers (output shapes without the batch axis) the examples of the definitions may name. */
export const EXAMPLE_LAYERS = {
  teacher: {
    t1: [4, 4, 8],
    t2: [2, 2, 16],
    embed: [32],
    embedding: [6, 16],
    block_1: [6, 16],
    block_2: [6, 16],
    block_1_attention: [2, 6, 6],
    block_2_attention: [2, 6, 6],
  },
  student: {
    s1: [4, 4, 8],
    s2: [2, 2, 16],
    narrow: [4, 4, 4],
    embed: [8],
    embedding: [6, 8],
    block_1: [6, 8],
    block_1_attention: [2, 6, 6],
  },
} as const;
