// A child process for the threaded-wasm exactness test: the wasm thread count is fixed when the
// backend starts (KD_WASM_THREADS), so each thread count needs its own process. It runs one
// experiment on wasm ("whole"), stops one at a step ("stop"), or resumes a run folder ("resume"),
// and prints one JSON line: the threads the backend used, the run's status and folder, and the
// SHA-256 of every stage's last and best weights.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Experiment } from '../../../src/engine/config/types';
import { wasmThreadsInUse } from '../../../src/engine/backend/wasmThreads';
import { experimentOfRun, runExperiment } from '../../../src/engine/run/runExperiment';
import { syntheticExperiment, tempDir } from './fixtures';

/** Layers wide enough that the matrix products are split between threads; dropout included. */
export function threadedExperiment(): Experiment {
  const base = syntheticExperiment({ backend: 'wasm', seed: 3, baseline: false });
  if (base.data.dataset !== 'synthetic') throw new Error('the fixture is synthetic');
  return {
    ...base,
    data: { ...base.data, shape: [128] },
    teacher: { preset: 'mlp', hidden: [256] },
    student: { preset: 'mlp', hidden: [256, 128], dropout: 0.3 },
    train: { ...base.train, epochs: 2, batchSize: 32 },
  };
}

function weightHashes(runDir: string): Record<string, string> {
  const root = path.join(runDir, 'checkpoints');
  const out: Record<string, string> = {};
  for (const stage of fs.readdirSync(root).filter((n) => !n.startsWith('.')))
    for (const which of ['best', 'last']) {
      const bytes = fs.readFileSync(path.join(root, stage, which, 'weights.bin'));
      out[`${stage}/${which}`] = crypto.createHash('sha256').update(bytes).digest('hex');
    }
  return out;
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  let steps = 0;
  const result =
    mode === 'resume' && arg
      ? await runExperiment(experimentOfRun(arg), { runsDir: path.dirname(path.dirname(arg)), resumeDir: arg })
      : await runExperiment(threadedExperiment(), {
          runsDir: tempDir(),
          onEvent: (e) => void (e.type === 'step' && e.stage === 'student' && steps++),
          shouldStop: () => mode === 'stop' && steps >= Number(arg),
        });
  const { status, error } = result.summary;
  const hashes = status === 'done' ? weightHashes(result.runDir) : {};
  process.stdout.write(
    `${JSON.stringify({ threads: wasmThreadsInUse(), status, error, runDir: result.runDir, hashes })}\n`,
  );
}

void main();
