// Relative paths in a file (data files, saved models) mean "relative to the file that wrote them":
// they are made absolute before `extends` merges files from different folders.
import * as path from 'path';
import { isObject, valueAt, type JsonObject, type JsonValue, type Segment } from './json';

/** Data fields that hold paths, by dataset. */
export const DATA_PATH_FIELDS: Record<string, readonly string[]> = {
  idx: ['trainImages', 'trainLabels', 'testImages', 'testLabels'],
  csv: ['train', 'test'],
  images: ['train', 'test'],
  cifar10: ['path'],
  cifar100: ['path'],
  'fashion-mnist': ['path'],
};
/** Datasets whose path fields name folders rather than files. */
export const FOLDER_DATASETS: readonly string[] = ['images', 'cifar10', 'cifar100', 'fashion-mnist'];
const ALL_DATA_PATH_FIELDS = ['trainImages', 'trainLabels', 'testImages', 'testLabels', 'train', 'test', 'path'];

/** Where models live in an experiment: single ones and lists. */
export const MODEL_FIELDS: readonly Segment[][] = [['teacher'], ['student']];
export const MODEL_LIST_FIELDS: readonly Segment[][] = [
  ['distill', 'peers'],
  ['distill', 'assistants'],
  ['distill', 'teachers'],
  ['distill', 'students'],
];

/** Paths of every model object of an experiment, e.g. `['distill', 'teachers', 1]`. */
export function modelPaths(experiment: JsonObject): Segment[][] {
  const paths: Segment[][] = [];
  for (const field of MODEL_FIELDS) if (isObject(experiment[field[0] as string])) paths.push([...field]);
  const distill = experiment.distill;
  if (isObject(distill)) {
    for (const field of MODEL_LIST_FIELDS) {
      const list = distill[field[1] as string];
      if (Array.isArray(list)) list.forEach((item, i) => isObject(item) && paths.push([...field, i]));
    }
  }
  return paths;
}

function absolute(value: JsonValue | undefined, baseDir: string): JsonValue | undefined {
  return typeof value === 'string' && value.length > 0 ? path.resolve(baseDir, value) : value;
}

/** Makes the paths of one experiment-shaped object (a file's top level or a cell) absolute, in place. */
export function resolveExperimentPaths(experiment: JsonObject, baseDir: string): void {
  const data = experiment.data;
  // Unlabeled data (Noisy Student) is a data source of its own, with paths of its own.
  for (const source of isObject(data) ? [data, data.unlabeled] : []) {
    if (!isObject(source)) continue;
    // A refinement without `dataset` may still carry paths for the inherited dataset.
    const fields = typeof source.dataset === 'string' ? (DATA_PATH_FIELDS[source.dataset] ?? []) : ALL_DATA_PATH_FIELDS;
    for (const field of fields) if (field in source) source[field] = absolute(source[field], baseDir) as JsonValue;
  }
  for (const modelPath of modelPaths(experiment)) {
    const model = valueAt(experiment, modelPath);
    if (isObject(model) && 'load' in model) model.load = absolute(model.load, baseDir) as JsonValue;
  }
}

/** Makes every path of a whole file (top level and cells) absolute, in place. */
export function resolveFilePaths(file: JsonObject, baseDir: string): void {
  resolveExperimentPaths(file, baseDir);
  if (Array.isArray(file.cells))
    for (const cell of file.cells) if (isObject(cell)) resolveExperimentPaths(cell, baseDir);
}
