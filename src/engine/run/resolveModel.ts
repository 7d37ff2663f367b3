// Turns a model spec into a live logits model: built from layers or a preset (to be trained),
// loaded from a saved TF.js model, or taken from the latest finished run of an earlier cell.
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import type { Experiment, ModelSpec } from '../config/types';
import type { Dataset } from '../data/types';
import { buildModel, ensureLogits, loadModel } from '../models';
import { cellProductModel } from '../store/cellProducts';

export interface ResolvedModel {
  model: tf.LayersModel;
  /** True when the weights are already trained (loaded or reused); false for a fresh build. */
  pretrained: boolean;
  /** Where the weights came from, for logs. */
  origin: string;
}

export { cellProductModel, fileExperimentName } from '../store/cellProducts';

export async function resolveModel(
  spec: ModelSpec,
  name: string,
  experiment: Experiment,
  dataset: Pick<Dataset, 'inputShape' | 'classes' | 'vocabulary'>,
  runsDir: string,
  seed: number,
): Promise<ResolvedModel> {
  if ('load' in spec) {
    const model = ensureLogits(await loadModel(spec.load));
    checkFitsData(model, name, spec.load, dataset);
    return { model, pretrained: true, origin: spec.load };
  }
  if ('fromCell' in spec) {
    const file = cellProductModel(runsDir, experiment, spec.fromCell);
    if (!file) {
      throw new Error(
        `${experiment.sourceFile}: cell "${spec.fromCell}" has no finished run in ${runsDir}; run that cell first (kd run ${path.basename(experiment.sourceFile)} --cell ${spec.fromCell})`,
      );
    }
    const model = ensureLogits(await loadModel(file));
    checkFitsData(model, name, file, dataset);
    return { model, pretrained: true, origin: file };
  }
  const built = buildModel(spec, {
    inputShape: dataset.inputShape,
    classes: dataset.classes,
    vocabSize: dataset.vocabulary?.vocab.length,
    name,
    seed,
  });
  return { model: built.model, pretrained: false, origin: 'preset' in spec ? `preset ${spec.preset}` : 'layer list' };
}

/** A loaded model must take the data's examples and give one logit per class: said here, not as a broadcasting error mid-training. */
function checkFitsData(
  model: tf.LayersModel,
  name: string,
  file: string,
  dataset: Pick<Dataset, 'inputShape' | 'classes'>,
): void {
  const output = model.outputs[0]?.shape;
  const classes = output?.[output.length - 1];
  if (typeof classes === 'number' && classes !== dataset.classes)
    throw new Error(`${name}: the model ${file} outputs ${classes} classes but the data has ${dataset.classes}`);
  const input = model.inputs[0]?.shape.slice(1);
  const size = (shape: readonly (number | null)[]) => shape.reduce<number>((a, b) => a * (b ?? 1), 1);
  if (input && !input.includes(null) && size(input) !== size(dataset.inputShape))
    throw new Error(
      `${name}: the model ${file} takes inputs of shape [${input.join(', ')}] but the data's examples have shape [${dataset.inputShape.join(', ')}]`,
    );
}

/** Output shapes (without the batch dimension) of every single-output layer, for loss terms that tap layers. */
export function layerShapes(model: tf.LayersModel): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const layer of model.layers) {
    const shape = layer.outputShape;
    if (Array.isArray(shape) && (shape.length === 0 || !Array.isArray(shape[0]))) {
      shapes[layer.name] = (shape as (number | null)[]).slice(1).map((d) => d ?? -1);
    }
  }
  return shapes;
}
