// The public entry points: load a file into experiments (throwing every problem at once), or only
// list its problems (editors on unsaved buffers, `kd validate`).
import * as path from 'path';
import { analyseExperimentText, type AnalyseOptions } from './analyse';
import { ExperimentError, type Problem } from './problems';
import type { ExperimentFile } from './types';
import { EXPERIMENT_FILE_LIMIT, readTextFileSafely } from '../io/safeRead';

/** A problem about a whole file that could not be read (missing, a FIFO, too large…). */
export function unreadableFileProblem(file: string, reason: string): Problem {
  return { file, line: 1, column: 1, offset: 0, length: 0, path: '$', message: reason, severity: 'error' };
}

/** Every problem of a file on disk, its own reading included; never throws for bad input. */
export function validateExperimentFile(filePath: string, options: AnalyseOptions = {}): Problem[] {
  const file = path.resolve(filePath);
  const read = readTextFileSafely(file, EXPERIMENT_FILE_LIMIT);
  if ('error' in read) return [unreadableFileProblem(file, read.error)];
  return analyseExperimentText(file, read.text, options).problems;
}

/**
 * Reads a `.kd.json` file (comments allowed), follows `extends`, validates it, applies defaults,
 * resolves relative paths and returns one experiment per cell (or one for a file without cells).
 * Throws an `ExperimentError` listing every problem when there is any error.
 */
export async function loadExperimentFile(filePath: string, options: AnalyseOptions = {}): Promise<ExperimentFile> {
  const file = path.resolve(filePath);
  const read = readTextFileSafely(file, EXPERIMENT_FILE_LIMIT);
  if ('error' in read) throw new ExperimentError([unreadableFileProblem(file, read.error)]);
  const analysis = analyseExperimentText(file, read.text, options);
  if (!analysis.file) throw new ExperimentError(analysis.problems);
  return analysis.file;
}

/** Every problem of a file's text (which may be unsaved), without throwing; files it extends are read from disk. */
export function validateExperimentText(text: string, filePath: string, options: AnalyseOptions = {}): Problem[] {
  return analyseExperimentText(filePath, text, options).problems;
}
