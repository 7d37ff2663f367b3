// The validation worker: runs the engine's analysis of an experiment file on a thread of its own,
// so a slow or hostile file (a huge `extends` chain, a deep nesting) never stalls the editor.
import { parentPort } from 'worker_threads';
import { analyseExperimentText } from '../../engine/config';
import { withExperimentChecks } from '../../engine/checks';
import type { ValidateRequest, ValidateResponse } from './protocol';

parentPort?.on('message', (request: ValidateRequest) => {
  let response: ValidateResponse;
  try {
    const { runsDir, ...options } = request.options;
    const analysis = analyseExperimentText(request.file, request.text, withExperimentChecks(options, runsDir));
    response = { id: request.id, problems: analysis.problems, ...(analysis.file ? { file: analysis.file } : {}) };
  } catch (error) {
    response = {
      id: request.id,
      problems: [
        {
          file: request.file,
          line: 1,
          column: 1,
          offset: 0,
          length: 0,
          path: '$',
          message: `cannot validate this file: ${(error as Error).message}`,
          severity: 'error',
        },
      ],
    };
  }
  parentPort?.postMessage(response);
});
