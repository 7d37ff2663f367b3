// Fills in the defaults of a merged, validated experiment and gives it its resolved type. Defaults
// are applied after `extends` and cells are merged (never per file), so an inherited value is
// never overwritten by a default. The schema's `default` annotations state the same values.
import type {
  BackendName,
  DataConfig,
  DistillConfig,
  DistillStage,
  LossSpec,
  ModelSpec,
  OptimizerConfig,
  ScheduleConfig,
  TrainConfig,
} from './types';
import { isObject, type JsonObject, type JsonValue } from './json';
import { mergeJson } from './merge';
import { kdSchema } from './schemaDocument';

/**
 * Each loss type's defaults as the shipped schema states them. The schema's loss parts are generated
 * from the loss definitions (src/engine/losses/*.ts, `npm run schema`), so the loader fills in what
 * the definitions say without loading the losses (and TensorFlow.js) into the editor.
 */
function lossDefaultsOfSchema(): Readonly<Record<string, JsonObject>> {
  const loss = (kdSchema.definitions as JsonObject).loss as JsonObject;
  const out: Record<string, JsonObject> = {};
  for (const branch of loss.allOf as JsonObject[]) {
    const type = ((branch.if as JsonObject).properties as JsonObject).type as JsonObject;
    const properties = (branch.then as JsonObject).properties as JsonObject;
    const defaults: JsonObject = {};
    for (const [name, property] of Object.entries(properties))
      if (isObject(property) && property.default !== undefined) defaults[name] = property.default;
    out[String(type.const)] = defaults;
  }
  return out;
}

export const DEFAULTS = {
  seed: 0,
  backend: 'auto' as BackendName,
  baseline: false,
  data: { validationSplit: 0.1, normalize: 'scale' },
  train: { epochs: 10, batchSize: 128 },
  optimizer: {
    sgd: { lr: 0.01, weightDecay: 0 },
    momentum: { lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0 },
    adam: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 },
  },
  schedule: { constant: {}, step: { gamma: 0.1 }, cosine: { minLr: 0 } },
  losses: lossDefaultsOfSchema(),
  distill: { scheme: 'offline', cacheTeacher: true, losses: [{ type: 'ce', weight: 1 }] },
} as const;

/** The kind a kind-less object means: Adam, a constant schedule. */
export const DEFAULT_KINDS = { optimizer: 'adam', schedule: 'constant' } as const;

function object(value: JsonValue | undefined): JsonObject {
  return isObject(value) ? value : {};
}

export function resolveOptimizer(raw: JsonValue | undefined): OptimizerConfig {
  const given = object(raw);
  const type = (typeof given.type === 'string' ? given.type : DEFAULT_KINDS.optimizer) as OptimizerConfig['type'];
  return { type, ...DEFAULTS.optimizer[type], ...given } as OptimizerConfig;
}

export function resolveSchedule(raw: JsonValue | undefined): ScheduleConfig {
  const given = object(raw);
  const type = (typeof given.type === 'string' ? given.type : DEFAULT_KINDS.schedule) as ScheduleConfig['type'];
  return { type, ...DEFAULTS.schedule[type], ...given } as ScheduleConfig;
}

export function resolveTrain(raw: JsonValue | undefined): TrainConfig {
  const given = object(raw);
  return {
    ...DEFAULTS.train,
    ...given,
    optimizer: resolveOptimizer(given.optimizer),
    schedule: resolveSchedule(given.schedule),
  } as TrainConfig;
}

export function resolveLoss(raw: JsonValue): LossSpec {
  const given = object(raw);
  const type = String(given.type);
  return { type, weight: given.weight, ...DEFAULTS.losses[type], ...given } as unknown as LossSpec;
}

export function resolveData(raw: JsonValue | undefined): DataConfig {
  const given = object(raw);
  return { dataset: given.dataset, ...DEFAULTS.data, ...given } as DataConfig;
}

/** A model spec; its own `train` becomes a complete budget (the experiment's, refined by the model's). */
export function resolveModel(raw: JsonValue, experimentTrain: JsonValue | undefined): ModelSpec {
  const given = object(raw);
  if (!isObject(given.train)) return { ...given } as unknown as ModelSpec;
  return { ...given, train: resolveTrain(mergeJson(experimentTrain, given.train)) } as unknown as ModelSpec;
}

export function resolveDistill(raw: JsonValue | undefined, experimentTrain: JsonValue | undefined): DistillConfig {
  const given = object(raw);
  const losses = Array.isArray(given.losses)
    ? given.losses.map(resolveLoss)
    : DEFAULTS.distill.losses.map((l) => ({ ...l }) as LossSpec);
  const distill = {
    scheme: DEFAULTS.distill.scheme,
    cacheTeacher: DEFAULTS.distill.cacheTeacher,
    ...given,
    losses,
  } as unknown as DistillConfig;
  if (Array.isArray(given.stages)) {
    distill.stages = given.stages.map((stage) => {
      const s = object(stage);
      return { ...s, losses: Array.isArray(s.losses) ? s.losses.map(resolveLoss) : [] } as unknown as DistillStage;
    });
  }
  for (const key of ['peers', 'assistants', 'teachers', 'students'] as const) {
    const list = given[key];
    if (Array.isArray(list)) distill[key] = list.map((m) => resolveModel(m, experimentTrain));
  }
  return distill;
}
