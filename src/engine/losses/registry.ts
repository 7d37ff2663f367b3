// Every loss method under its config name. Adding a method is a file exporting its definition and
// one entry here (the compiler asks for it once the spec type is in config/types.ts); the schema is
// generated from the definitions (`npm run schema`), and the trainer only sees LossTerm.
import type * as tf from '@tensorflow/tfjs';
import type { LossSpec, LossType } from '../config/types';
import type { LossDefinition, LossSpecOf } from './definition';
import type { LossContext, LossTerm } from './types';
import { atDefinition } from './at';
import { attentionDefinition } from './attention';
import { ccDefinition } from './cc';
import { ceDefinition } from './ce';
import { crdDefinition } from './crd';
import { cosineDefinition } from './cosine';
import { dkdDefinition } from './dkd';
import { embeddingDefinition } from './embedding';
import { fspDefinition } from './fsp';
import { hiddenDefinition } from './hidden';
import { hintDefinition } from './hint';
import { jsdDefinition } from './jsd';
import { kdDefinition } from './kd';
import { nstDefinition } from './nst';
import { pktDefinition } from './pkt';
import { reverseKlDefinition } from './reverseKl';
import { rkdDefinition } from './rkd';
import { spDefinition } from './sp';
import { tvdDefinition } from './tvd';

const DEFINITIONS: { [K in LossType]: LossDefinition<K> } = {
  ce: ceDefinition,
  kd: kdDefinition,
  dkd: dkdDefinition,
  hint: hintDefinition,
  at: atDefinition,
  nst: nstDefinition,
  rkd: rkdDefinition,
  sp: spDefinition,
  cc: ccDefinition,
  pkt: pktDefinition,
  fsp: fspDefinition,
  crd: crdDefinition,
  reverseKl: reverseKlDefinition,
  jsd: jsdDefinition,
  tvd: tvdDefinition,
  cosine: cosineDefinition,
  attention: attentionDefinition,
  hidden: hiddenDefinition,
  embedding: embeddingDefinition,
};

/** The config names of all registered losses, in the order the schema and the docs list them. */
export const LOSS_TYPES = Object.keys(DEFINITIONS) as LossType[];

/** All definitions, in LOSS_TYPES order. */
export const LOSS_DEFINITIONS: readonly LossDefinition<LossType>[] = LOSS_TYPES.map(
  (type) => DEFINITIONS[type] as LossDefinition<LossType>,
);

function definitionOf<K extends LossType>(type: K): LossDefinition<K> {
  const definition = Object.prototype.hasOwnProperty.call(DEFINITIONS, type) ? DEFINITIONS[type] : undefined;
  if (!definition) throw new Error(`unknown loss type "${String(type)}"; known types: ${LOSS_TYPES.join(', ')}`);
  return definition;
}

/** Whether a loss of this type reads the teacher (its logits or its layers). */
export function lossNeedsTeacher(type: LossType): boolean {
  return definitionOf(type).needsTeacher;
}

function create(spec: LossSpec, ctx: LossContext, name?: string): LossTerm {
  const definition = definitionOf(spec.type) as LossDefinition<LossType>;
  if (typeof spec.weight !== 'number' || !Number.isFinite(spec.weight)) {
    throw new Error(`${spec.type}: weight must be a finite number (got ${String(spec.weight)})`);
  }
  const body = definition.create(spec as LossSpecOf<LossType>, ctx);
  const variables: tf.Variable[] = body.variables ?? [];
  const state: tf.Variable[] = body.state ?? [];
  const adapters = body.adapters ?? {};
  return {
    name: name ?? body.label,
    spec,
    weight: spec.weight,
    needsTeacher: definition.needsTeacher,
    teacherLayers: body.teacherLayers,
    studentLayers: body.studentLayers,
    trainableVariables: () => variables,
    stateVariables: () => state,
    adapters: () => ({ ...adapters }),
    compute: (inputs) => body.compute(inputs),
    dispose: () => {
      variables.forEach((v) => v.dispose());
      if (body.dispose) body.dispose();
      else state.forEach((v) => v.dispose());
    },
  };
}

/** One term; its name is its label ("kd", "hint:block2->dense_1", "rkd:pool->embed", …). */
export function createLossTerm(spec: LossSpec, ctx: LossContext): LossTerm {
  return create(spec, ctx);
}

/**
 * The terms of one objective, with unique names: a label that repeats gets "#2", "#3", … in order.
 * If a spec is invalid, the terms already created are disposed before the error propagates.
 */
export function createLossTerms(specs: LossSpec[], ctx: LossContext): LossTerm[] {
  const terms: LossTerm[] = [];
  const seen = new Map<string, number>();
  try {
    for (const spec of specs) {
      const term = create(spec, ctx);
      const count = (seen.get(term.name) ?? 0) + 1;
      seen.set(term.name, count);
      terms.push(count === 1 ? term : { ...term, name: `${term.name}#${count}` });
    }
  } catch (error) {
    terms.forEach((t) => t.dispose());
    throw error;
  }
  return terms;
}

/** The layers a set of terms reads, each once, in order of first use: what the models must tap. */
export function tappedLayers(terms: LossTerm[]): { teacher: string[]; student: string[] } {
  return {
    teacher: [...new Set(terms.flatMap((t) => t.teacherLayers))],
    student: [...new Set(terms.flatMap((t) => t.studentLayers))],
  };
}
