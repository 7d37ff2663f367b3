// Turns one merged, validated experiment (a cell over its file, after `extends`) into its resolved
// type with every default filled in. Shared by the loader and by sweeps, which build one experiment
// per point after substituting the swept values.
import { resolveData, resolveDistill, resolveModel, resolveTrain, DEFAULTS } from './defaults';
import { isObject, type JsonObject } from './json';
import type { BackendName, Experiment } from './types';

export function buildExperiment(
  raw: JsonObject,
  name: string,
  cell: string | undefined,
  sourceFile: string,
): Experiment {
  return {
    name,
    ...(cell !== undefined ? { cell } : {}),
    sourceFile,
    seed: typeof raw.seed === 'number' ? raw.seed : DEFAULTS.seed,
    backend: (typeof raw.backend === 'string' ? raw.backend : DEFAULTS.backend) as BackendName,
    data: resolveData(raw.data),
    ...(isObject(raw.teacher) ? { teacher: resolveModel(raw.teacher, raw.train) } : {}),
    student: resolveModel(raw.student as JsonObject, raw.train),
    distill: resolveDistill(raw.distill, raw.train),
    train: resolveTrain(raw.train),
    baseline: typeof raw.baseline === 'boolean' ? raw.baseline : DEFAULTS.baseline,
  };
}
