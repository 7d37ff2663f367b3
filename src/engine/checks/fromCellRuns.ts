// A `fromCell` model reuses the trained product of an earlier cell's latest finished run. Before that
// cell has finished a run, the file is valid but this cell cannot run yet: the editor shows it as a
// warning at the cell's name (and offers to run that cell first); the runner refuses to start.
import type { Experiment, ModelSpec } from '../config/types';
import type { JsonObject, Segment } from '../config/json';
import { modelPaths } from '../config/paths';
import { valueAt } from '../config/json';
import type { SemanticIssue } from '../config/semantic';
import { cellProductModel } from '../store/cellProducts';

/** The cells this experiment reuses that have no finished run yet, with where each is named. */
export function cellsWithoutRun(experiment: Experiment, runsDir: string): { cell: string; at: Segment[] }[] {
  const missing: { cell: string; at: Segment[] }[] = [];
  const raw = experiment as unknown as JsonObject;
  for (const at of modelPaths(raw)) {
    const spec = valueAt(raw, at) as unknown as ModelSpec;
    if ('fromCell' in spec && !cellProductModel(runsDir, experiment, spec.fromCell))
      missing.push({ cell: spec.fromCell, at: [...at, 'fromCell'] });
  }
  return missing;
}

export function fromCellRunIssues(experiment: Experiment, runsDir: string): SemanticIssue[] {
  return cellsWithoutRun(experiment, runsDir).map(({ cell, at }) => ({
    path: at,
    message: `cell "${cell}" has no finished run yet: run it first (Run All runs the cells in order)`,
    severity: 'warning',
    contextual: true,
    mark: { valueOnly: true },
  }));
}
