// Turns a model spec into a live logits model: built from layers or a preset (to be trained),
// loaded from a saved TF.js model, or taken from the latest finished run of an earlier cell.
import * as fs from 'fs';
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import type { Experiment, ModelSpec } from '../config/types';
import type { Dataset } from '../data/types';
import { buildModel, ensureLogits, loadModel } from '../models';
import { latestFinishedRun, CHECKPOINTS_DIR, safeName } from '../store/runStore';

export interface ResolvedModel {
  model: tf.LayersModel;
  /** True when the weights are already trained (loaded or reused); false for a fresh build. */
  pretrained: boolean;
  /** Where the weights came from, for logs. */
  origin: string;
}

/** The file-level experiment name (without the `.cell` suffix). */
export function fileExperimentName(experiment: Experiment): string {
  return experiment.cell
    ? experiment.name.slice(0, experiment.name.length - experiment.cell.length - 1)
    : experiment.name;
}

/** The saved product model of the latest finished run of a cell, or undefined when the cell has not finished a run. */
export function cellProductModel(runsDir: string, experiment: Experiment, cell: string): string | undefined {
  const run = latestFinishedRun(runsDir, `${fileExperimentName(experiment)}.${cell}`);
  if (!run?.summary) return undefined;
  const file = path.join(run.dir, CHECKPOINTS_DIR, safeName(run.summary.product), 'best', 'model.json');
  return fs.existsSync(file) ? file : undefined;
}

export async function resolveModel(
  spec: ModelSpec,
  name: string,
  experiment: Experiment,
  dataset: Pick<Dataset, 'inputShape' | 'classes' | 'vocabulary'>,
  runsDir: string,
  seed: number,
): Promise<ResolvedModel> {
  if ('load' in spec) {
    return { model: ensureLogits(await loadModel(spec.load)), pretrained: true, origin: spec.load };
  }
  if ('fromCell' in spec) {
    const file = cellProductModel(runsDir, experiment, spec.fromCell);
    if (!file) {
      throw new Error(
        `${experiment.sourceFile}: cell "${spec.fromCell}" has no finished run in ${runsDir}; run that cell first (kd run ${path.basename(experiment.sourceFile)} --cell ${spec.fromCell})`,
      );
    }
    return { model: ensureLogits(await loadModel(file)), pretrained: true, origin: file };
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
