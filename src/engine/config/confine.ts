// Restricted Mode's rule for experiment files: nothing outside the trusted folders is read, not
// even looked at. These checks name each path an experiment would read that lies outside them.
import * as fs from 'fs';
import * as path from 'path';
import { isObject, valueAt, type JsonObject, type Segment } from './json';
import { DATA_PATH_FIELDS, modelPaths } from './paths';

/** The real path where one exists (a symbolic link inside a folder may point outside it), else the resolved path. */
function realOrResolved(file: string): string {
  const resolved = path.resolve(file);
  try {
    return fs.realpathSync.native(resolved);
  } catch {
    return resolved;
  }
}

/** True when `file` is `root` or lies below it (by real path, so links cannot leave it). */
export function isInsideFolder(file: string, root: string): boolean {
  const relative = path.relative(realOrResolved(root), realOrResolved(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export function isInside(file: string, roots: readonly string[]): boolean {
  return roots.some((root) => isInsideFolder(file, root));
}

export interface ConfinementIssue {
  path: Segment[];
  message: string;
}

/** Every data file and saved model of a merged experiment (paths already absolute) that lies outside `roots`. */
export function confinementIssues(experiment: JsonObject, roots: readonly string[]): ConfinementIssue[] {
  const issues: ConfinementIssue[] = [];
  const check = (at: Segment[], file: unknown, what: string) => {
    if (typeof file === 'string' && file.length > 0 && !isInside(file, roots))
      issues.push({ path: at, message: `${what} ${file} is outside the workspace: not read in Restricted Mode` });
  };
  const data = experiment.data;
  if (isObject(data) && typeof data.dataset === 'string')
    for (const field of DATA_PATH_FIELDS[data.dataset] ?? []) check(['data', field], data[field], 'data file');
  const unlabeled = isObject(data) ? data.unlabeled : undefined;
  if (isObject(unlabeled) && typeof unlabeled.dataset === 'string')
    for (const field of DATA_PATH_FIELDS[unlabeled.dataset] ?? [])
      check(['data', 'unlabeled', field], unlabeled[field], 'data file');
  for (const at of modelPaths(experiment)) check([...at, 'load'], valueAt(experiment, [...at, 'load']), 'model');
  return issues;
}
