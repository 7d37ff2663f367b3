// Where a cell's trained product lives: the best checkpoint of the latest finished run of that cell
// in the run store. Read by the runner (to reuse the model), the validator and the editor (to say
// that a cell must run first); kept free of TF.js so the editor's host can ask cheaply.
import * as fs from 'fs';
import * as path from 'path';
import type { Experiment } from '../config/types';
import { latestFinishedRun, CHECKPOINTS_DIR, safeName } from './runStore';

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
