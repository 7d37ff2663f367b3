// The checks of an experiment file that build models or read the run store, bundled as the
// validator's `experimentChecks` so `kd validate`, the editor and the runner apply the same ones.
import type { AnalyseOptions, ExperimentCheck } from '../config/analyse';
import { fromCellRunIssues } from './fromCellRuns';
import { layerReferenceIssues } from './layerReferences';

export { cellsWithoutRun } from './fromCellRuns';
export { staticLayerNames } from './modelLayers';

/**
 * Layer names of feature losses against the models' layers; with a run store, cells reused before
 * they have a finished run (a warning: the file is right, the order of work is not).
 */
export function experimentChecks(runsDir?: string): ExperimentCheck {
  return (experiment, file) => [
    ...layerReferenceIssues(experiment, file, runsDir),
    ...(runsDir ? fromCellRunIssues(experiment, runsDir) : []),
  ];
}

/** The options with the full set of checks added. */
export function withExperimentChecks<T extends AnalyseOptions>(options: T, runsDir?: string): T {
  return { ...options, experimentChecks: experimentChecks(runsDir) };
}
