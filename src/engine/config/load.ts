// The public entry points: load a file into experiments (throwing every problem at once), or only
// list its problems (editors on unsaved buffers, `kd validate`).
import * as fs from 'fs';
import * as path from 'path';
import { analyseExperimentText } from './analyse';
import { ExperimentError, type Problem } from './problems';
import type { ExperimentFile } from './types';

/**
 * Reads a `.kd.json` file (comments allowed), follows `extends`, validates it, applies defaults,
 * resolves relative paths and returns one experiment per cell (or one for a file without cells).
 * Throws an `ExperimentError` listing every problem when there is any error.
 */
export async function loadExperimentFile(filePath: string): Promise<ExperimentFile> {
  const file = path.resolve(filePath);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'file not found'
        : `cannot read the file (${(error as Error).message})`;
    throw new ExperimentError([
      { file, line: 1, column: 1, offset: 0, length: 0, path: '$', message: reason, severity: 'error' },
    ]);
  }
  const analysis = analyseExperimentText(file, text);
  if (!analysis.file) throw new ExperimentError(analysis.problems);
  return analysis.file;
}

/** Every problem of a file's text (which may be unsaved), without throwing; files it extends are read from disk. */
export function validateExperimentText(text: string, filePath: string): Problem[] {
  return analyseExperimentText(filePath, text).problems;
}
