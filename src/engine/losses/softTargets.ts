// The temperature-softened log-probabilities that every logit divergence (kd, reverseKl, jsd, tvd)
// compares, the T² factor that keeps their gradients the same size as T changes, and the one
// definition shape they all share (snippet, temperature check, a term on the two models' logits).
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition, LossSpecOf, SchemaFragment } from './definition';
import { requireParameter, teacherLogitsOf } from './layers';
import { constant } from './ops';

/** log softmax(s/T) of the student and log softmax(t/T) of the (constant) teacher. */
export function softLogProbs(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  temperature: number,
): { logQ: tf.Tensor2D; logP: tf.Tensor2D } {
  return {
    logQ: tf.logSoftmax(tf.div<tf.Tensor2D>(studentLogits, temperature)),
    logP: tf.logSoftmax(tf.div<tf.Tensor2D>(constant(teacherLogits), temperature)),
  };
}

/** Σ_k a·(log a − log b) per row, from log-probabilities: KL(a ‖ b) for each example. */
export function klRows(logA: tf.Tensor2D, logB: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(tf.exp(logA), tf.sub(logA, logB)), 1);
}

/** The batch mean of per-example values, times T² when asked. */
export function batchMeanScaled(perExample: tf.Tensor1D, temperature: number, scaleByTemperatureSquared: boolean) {
  const value = tf.mean(perExample);
  return (scaleByTemperatureSquared ? tf.mul(value, temperature * temperature) : value) as tf.Scalar;
}

/** The logit divergences: losses that compare the two models' softened distributions and nothing else. */
export type LogitDivergenceType = 'kd' | 'reverseKl' | 'jsd' | 'tvd';

/** What distinguishes one logit divergence; the rest of its definition is the same for all of them. */
export interface LogitDivergenceParts<K extends LogitDivergenceType> {
  type: K;
  docs: string;
  /** The default temperature (4 for Hinton's kd, 1 for the LLM divergences). */
  temperature: number;
  /** Parameters besides temperature and T² scaling (jsd's β): defaults, schema, example value, snippet default, check. */
  extra?: Record<
    string,
    {
      default: number;
      schema: SchemaFragment;
      example: number;
      snippet: string;
      ok(value: number): boolean;
      rule: string;
    }
  >;
  /** Schema descriptions where they differ from the shared wording. */
  temperatureDescription?: string;
  scaleDescription?: string;
  example: { weight: number; temperature: number };
  snippet: { label: string; weight: string };
  /** The unweighted loss from the student's logits, the teacher's and the spec's parameters. */
  divergence(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, spec: LossSpecOf<K>): tf.Scalar;
}

/**
 * The definition of a logit divergence: a snippet with weight and temperature, a positive
 * temperature (and the extra parameters' rules) required at creation, no layers read, and a term
 * that applies `divergence` to the batch's student and teacher logits.
 */
export function logitDivergenceDefinition<K extends LogitDivergenceType>(
  parts: LogitDivergenceParts<K>,
): LossDefinition<K> {
  const { type } = parts;
  const extra = parts.extra ?? {};
  const extraNames = Object.keys(extra);
  const properties: Record<string, SchemaFragment> = {};
  for (const name of extraNames) properties[name] = extra[name].schema;
  properties.temperature = {
    type: 'number',
    description:
      parts.temperatureDescription ??
      `${type}: softmax temperature T applied to both sides' logits. 1 (the default) compares the models' own distributions, as LLM distillation does.`,
    exclusiveMinimum: 0,
  };
  properties.scaleByTemperatureSquared = {
    type: 'boolean',
    description:
      parts.scaleDescription ??
      `${type}: multiply the loss by T², as \`kd\` does, so its gradients keep their size as T changes.`,
  };
  const body: Record<string, string> = { weight: `^\${1:${parts.snippet.weight}}` };
  extraNames.forEach((name, i) => (body[name] = `^\${${i + 2}:${extra[name].snippet}}`));
  body.temperature = `^\${${extraNames.length + 2}:${parts.temperature}}`;
  const withExtras = (pick: (e: (typeof extra)[string]) => number) =>
    Object.fromEntries(extraNames.map((name) => [name, pick(extra[name])]));
  // The parameter records are typed per loss; built generically here, they are asserted once.
  type Params = LossDefinition<K>['defaults'];
  return {
    type,
    docs: parts.docs,
    defaults: {
      ...withExtras((e) => e.default),
      temperature: parts.temperature,
      scaleByTemperatureSquared: true,
    } as Params,
    schema: { properties } as LossDefinition<K>['schema'],
    example: {
      weight: parts.example.weight,
      ...withExtras((e) => e.example),
      temperature: parts.example.temperature,
      scaleByTemperatureSquared: true,
    } as LossDefinition<K>['example'],
    snippet: { label: parts.snippet.label, body },
    needsTeacher: true,
    create(spec) {
      const values = spec as unknown as Record<string, number>;
      for (const name of extraNames) requireParameter(type, name, values[name], extra[name].ok, extra[name].rule);
      requireParameter(type, 'temperature', values.temperature, (v) => v > 0, 'positive');
      return {
        label: type,
        teacherLayers: [],
        studentLayers: [],
        compute: (inputs) => parts.divergence(inputs.studentLogits, teacherLogitsOf(type, inputs), spec),
      };
    },
  };
}
