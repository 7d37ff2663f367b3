// The layer names of a model known before any training: a preset or layer list is built (weights
// initialised, nothing trained) on the data's statically known shape (dataShape.ts: also a CSV's
// header, an image folder's size, text's length and vocabulary cap), a saved model's names are read
// from its model.json, and a `fromCell` model is the referenced cell's saved product or, before that
// cell has run, its student spec. Loss terms name layers, so these are what the names are checked against.
import type * as Tf from '@tensorflow/tfjs';
import type { Experiment, ExperimentFile, ModelSpec } from '../config/types';
import { savedModelLayerNames } from '../config/modelFit';
import { namesDependOnClasses } from '../models/outputLayer';
import { namingShape } from './dataShape';
import { MODEL_JSON_LIMIT } from '../config/manifest';
import { readTextFileSafely } from '../io/safeRead';
import type { buildModel as BuildModel } from '../models/build';
import { cellProductModel } from '../store/cellProducts';

/** Built models' names by spec and shape: the editor revalidates on every edit, building once is enough. */
const built = new Map<string, string[] | null>();
const CACHE_SIZE = 64;

/**
 * TF.js and the model builders, loaded on first use: most files name no layer, and the editor's
 * validation worker should not pay for loading TF.js to check them.
 */
function builder(): typeof BuildModel {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as typeof Tf;
  // Building needs a backend; where none is active yet, the pure-JS one (it initialises synchronously).
  if (!tf.engine().backendName) {
    tf.enableProdMode();
    void tf.setBackend('cpu');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../models/build') as { buildModel: typeof BuildModel }).buildModel;
}

/** Stands in for a class count only the data's labels tell, where no layer's name depends on it. */
const STAND_IN_CLASSES = 2;

function namesOfBuilt(spec: ModelSpec, experiment: Experiment): string[] | undefined {
  if ('load' in spec || 'fromCell' in spec) return undefined;
  const shape = namingShape(experiment);
  if (!shape) return undefined;
  if (shape.classes === undefined && !('preset' in spec) && namesDependOnClasses(spec.layers)) return undefined;
  const classes = shape.classes ?? STAND_IN_CLASSES;
  const key = JSON.stringify([spec, shape.input, classes, shape.vocabSize]);
  const cached = built.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let names: string[] | null = null;
  try {
    const model = builder()(spec, {
      inputShape: shape.input,
      classes,
      name: 'static',
      seed: 0,
      ...(shape.vocabSize !== undefined ? { vocabSize: shape.vocabSize } : {}),
    });
    names = model.tappable;
    model.model.dispose();
  } catch {
    // A spec that cannot be built on this shape is reported when the run builds it, with its own message.
  }
  if (built.size >= CACHE_SIZE) built.delete(built.keys().next().value as string);
  built.set(key, names);
  return names ?? undefined;
}

function namesOfSaved(file: string): string[] | undefined {
  const read = readTextFileSafely(file, MODEL_JSON_LIMIT);
  return 'error' in read ? undefined : savedModelLayerNames(read.text);
}

/**
 * The tappable layer names of a model, or undefined when they cannot be known without training or
 * reading the examples (a layer list ending in a dense layer on data whose class count is in its
 * labels, an IDX file, a cycle of cells).
 */
export function staticLayerNames(
  spec: ModelSpec,
  experiment: Experiment,
  file: ExperimentFile,
  runsDir: string | undefined,
  visited: ReadonlySet<string> = new Set(),
): string[] | undefined {
  if ('load' in spec) return namesOfSaved(spec.load);
  if ('fromCell' in spec) {
    const saved = runsDir ? cellProductModel(runsDir, experiment, spec.fromCell) : undefined;
    if (saved) return namesOfSaved(saved);
    const cell = file.experiments.find((e) => e.cell === spec.fromCell);
    if (!cell || visited.has(spec.fromCell)) return undefined;
    return staticLayerNames(cell.student, cell, file, runsDir, new Set([...visited, spec.fromCell]));
  }
  return namesOfBuilt(spec, experiment);
}
