// A saved teacher (or student) must fit the data. For MNIST and synthetic data `kd validate` knows the
// data's shape from the experiment; for CSV, IDX and image data only the files tell it. So once the
// data is read, before anything is built or trained, the models are checked against it and a misfit
// is an invalid experiment (exit code 2) at the position of the model in the experiment file, as the
// validator reports it, instead of a broadcasting error mid-training.
import * as path from 'path';
import type { Dataset } from '../data/types';
import type { Experiment } from '../config/types';
import { analyseExperimentText } from '../config/analyse';
import { isObject, type JsonObject, type Segment, valueAt } from '../config/json';
import { modelPaths } from '../config/paths';
import { ExperimentError, type Problem } from '../config/problems';
import { modelFitProblems, type ShapeFacts } from '../config/modelFit';
import { parseSource, problemAt } from '../config/source';
import { EXPERIMENT_FILE_LIMIT, readTextFileSafely } from '../io/safeRead';
import { cellProductModel } from './resolveModel';

interface Misfit {
  at: Segment[];
  message: string;
}

/** Every saved model of the experiment (loaded, or reused from an earlier cell) that does not fit the data. */
function misfits(experiment: Experiment, shape: ShapeFacts, runsDir: string): Misfit[] {
  const json = experiment as unknown as JsonObject;
  const found: Misfit[] = [];
  for (const at of modelPaths(json)) {
    const spec = valueAt(json, at);
    if (!isObject(spec)) continue;
    const file =
      typeof spec.load === 'string'
        ? spec.load
        : typeof spec.fromCell === 'string'
          ? cellProductModel(runsDir, experiment, spec.fromCell)
          : undefined;
    if (file) for (const message of modelFitProblems(file, shape)) found.push({ at, message });
  }
  return found;
}

/** The misfits at their positions: found again by the validator with the data's shape (extends and cells included). */
function place(experiment: Experiment, shape: ShapeFacts, found: Misfit[]): Problem[] {
  const file = experiment.sourceFile;
  const read = readTextFileSafely(file, EXPERIMENT_FILE_LIMIT);
  const text = 'text' in read ? read.text : '';
  const validated = analyseExperimentText(file, text, { dataShape: { cell: experiment.cell, shape } }).problems;
  const source = parseSource(file, text);
  const cells = isObject(source.value) ? source.value.cells : undefined;
  const cellIndex = Array.isArray(cells)
    ? cells.findIndex((c) => isObject(c) && c.name === experiment.cell && experiment.cell !== undefined)
    : -1;
  return found.map(({ at, message }) => {
    const known = validated.find((p) => p.severity === 'error' && p.message === message);
    if (known) return known;
    // A model reused from a cell (or a file changed since): placed at the model's key in this file.
    const inCell = cellIndex >= 0 && valueAt(source.value, ['cells', cellIndex, ...at]) !== undefined;
    return problemAt(source, inCell ? ['cells', cellIndex, ...at] : at, message);
  });
}

/** Throws an ExperimentError when a saved model does not fit the data as read. */
export function checkModelsFitData(
  experiment: Experiment,
  dataset: Pick<Dataset, 'inputShape' | 'classes'>,
  runsDir: string,
): void {
  const shape: ShapeFacts = { input: [...dataset.inputShape], classes: dataset.classes };
  const found = misfits(experiment, shape, path.resolve(runsDir));
  if (found.length > 0) throw new ExperimentError(place(experiment, shape, found));
}
