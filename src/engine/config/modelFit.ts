// A saved model must fit the data: its input the shape of one example, its output one logit per
// class. Read from model.json's topology (no weights, nothing built), so `kd validate` reports a
// 10-class teacher on 4-class data at the position of the model instead of a broadcasting error
// deep in training.
import { isObject, type JsonValue } from './json';
import { MODEL_JSON_LIMIT } from './manifest';
import { readTextFileSafely } from '../io/safeRead';

export interface ShapeFacts {
  /** Shape of one example, when the experiment alone tells it. */
  input?: number[];
  classes?: number;
}

/** What the experiment's data block tells without reading any data file. */
export function knownDataShape(data: JsonValue | undefined): ShapeFacts {
  if (!isObject(data)) return {};
  if (data.dataset === 'mnist' || data.dataset === 'fashion-mnist') return { input: [28, 28, 1], classes: 10 };
  if (data.dataset === 'cifar10') return { input: [32, 32, 3], classes: 10 };
  if (data.dataset === 'cifar100') return { input: [32, 32, 3], classes: data.labels === 'coarse' ? 20 : 100 };
  if (data.dataset === 'synthetic' && Array.isArray(data.shape) && typeof data.classes === 'number')
    return { input: data.shape.filter((n): n is number => typeof n === 'number'), classes: data.classes };
  return {};
}

function layersOf(config: JsonValue | undefined): JsonValue[] {
  if (Array.isArray(config)) return config; // old Sequential: config is the list of layers
  return isObject(config) && Array.isArray(config.layers) ? config.layers : [];
}

function dims(value: JsonValue | undefined): number[] | undefined {
  return Array.isArray(value) ? value.slice(1).map((d) => (typeof d === 'number' ? d : -1)) : undefined;
}

/** The input shape (without the batch) and the output width of a TF.js Layers model.json, where it states them. */
export function savedModelShape(text: string): ShapeFacts {
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch {
    return {};
  }
  const topology = isObject(json) && isObject(json.modelTopology) ? json.modelTopology : undefined;
  const model = topology && isObject(topology.model_config) ? topology.model_config : topology;
  if (!isObject(model)) return {};
  const layers = layersOf(model.config).filter(isObject);
  const facts: ShapeFacts = {};
  const first = layers[0];
  const firstConfig = first && isObject(first.config) ? first.config : {};
  facts.input = dims(firstConfig.batch_input_shape ?? firstConfig.batch_shape ?? firstConfig.batchInputShape);
  let output = layers[layers.length - 1];
  const config = isObject(model.config) ? model.config : {};
  const outputs = Array.isArray(config.output_layers) ? config.output_layers : undefined;
  if (outputs && outputs.length === 1 && Array.isArray(outputs[0])) {
    const name = outputs[0][0];
    output = layers.find((l) => isObject(l.config) && l.config.name === name) ?? output;
  }
  const outputConfig = output && isObject(output.config) ? output.config : {};
  if (typeof outputConfig.units === 'number') facts.classes = outputConfig.units;
  return facts;
}

/** The names of a saved model's layers (its input layers left out), or undefined when model.json states none. */
export function savedModelLayerNames(text: string): string[] | undefined {
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
  const topology = isObject(json) && isObject(json.modelTopology) ? json.modelTopology : undefined;
  const model = topology && isObject(topology.model_config) ? topology.model_config : topology;
  if (!isObject(model)) return undefined;
  const names = layersOf(model.config)
    .filter(isObject)
    .filter((l) => l.class_name !== 'InputLayer')
    .map((l) => (isObject(l.config) && typeof l.config.name === 'string' ? l.config.name : undefined));
  return names.length > 0 && names.every((n) => n !== undefined) ? (names as string[]) : undefined;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Why a saved model does not fit the data, or nothing. */
export function modelFitProblems(modelJson: string, data: ShapeFacts): string[] {
  if (data.input === undefined && data.classes === undefined) return [];
  const read = readTextFileSafely(modelJson, MODEL_JSON_LIMIT);
  if ('error' in read) return [];
  const model = savedModelShape(read.text);
  const problems: string[] = [];
  if (model.classes !== undefined && data.classes !== undefined && model.classes !== data.classes)
    problems.push(`the model ${modelJson} outputs ${model.classes} classes but the data has ${data.classes}`);
  if (
    model.input !== undefined &&
    data.input !== undefined &&
    !model.input.includes(-1) &&
    product(model.input) !== product(data.input)
  )
    problems.push(
      `the model ${modelJson} takes inputs of shape [${model.input.join(', ')}] but the data's examples have shape [${data.input.join(', ')}]`,
    );
  return problems;
}
