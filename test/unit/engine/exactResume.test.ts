// Stop + resume must equal the uninterrupted run bit for bit: weights, optimizer state, the position
// in the data order and the dropout masks all come back exactly, on the cpu and wasm backends (one
// thread and two).
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { BackendName, Experiment } from '../../../src/engine/config/types';
import { experimentOfRun, runExperiment, type RunResult } from '../../../src/engine/run/runExperiment';
import { readEvents } from '../../../src/engine/store/runStore';
import { SeededDropout, setRandomStep } from '../../../src/engine/models/seededDropout';
import { syntheticExperiment, tempDir } from './fixtures';
import { collect } from '../runner/processes';

/** The child that runs on wasm at a given thread count (threadedRun.ts). */
const THREADED_RUN = path.join(__dirname, 'threadedRun.ts');

interface ThreadedOutcome {
  threads: number;
  status: string;
  error?: string;
  runDir: string;
  hashes: Record<string, string>;
}

/** A student with dropout, 3 epochs of 8 steps: a stop at step 13 lands in the middle of epoch 2. */
function withDropout(backend: BackendName, seed = 3): Experiment {
  const base = syntheticExperiment({ backend, seed, baseline: false });
  return {
    ...base,
    student: { preset: 'mlp', hidden: [16, 12], dropout: 0.3 },
    train: { ...base.train, epochs: 3 },
  };
}

/** Every file of every stage's best/ and last/ checkpoint, as bytes. */
function checkpointBytes(runDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const root = path.join(runDir, 'checkpoints');
  for (const stage of fs.readdirSync(root).filter((n) => !n.startsWith('.')))
    for (const which of ['best', 'last'])
      out[`${stage}/${which}`] = fs.readFileSync(path.join(root, stage, which, 'weights.bin')).toString('base64');
  return out;
}

function stepTotals(runDir: string, stage: string): number[] {
  return readEvents(runDir).flatMap((e) => (e.type === 'step' && e.stage === stage ? [e.total] : []));
}

function metrics(result: RunResult): unknown {
  const m = result.summary.models;
  return Object.fromEntries(
    Object.entries(m).map(([stage, v]) => [stage, { best: v.best, last: v.last, params: v.summary.params }]),
  );
}

async function stoppedAndResumed(experiment: Experiment, stopAfter: number): Promise<RunResult> {
  const runsDir = tempDir();
  let steps = 0;
  const first = await runExperiment(experiment, {
    runsDir,
    onEvent: (e) => void (e.type === 'step' && e.stage === 'student' && steps++),
    shouldStop: () => steps >= stopAfter,
  });
  assert.strictEqual(first.summary.status, 'stopped');
  return runExperiment(experimentOfRun(first.runDir), { runsDir, resumeDir: first.runDir });
}

describe('exact resume (real TF.js, synthetic data)', function () {
  this.timeout(300000);
  after(async () => {
    await tf.setBackend('cpu');
  });

  for (const backend of ['cpu', 'wasm'] as BackendName[]) {
    it(`stop in the middle of an epoch + resume equals the uninterrupted run bit for bit (${backend})`, async () => {
      const whole = await runExperiment(withDropout(backend), { runsDir: tempDir() });
      assert.strictEqual(whole.summary.status, 'done', whole.summary.error);
      const resumed = await stoppedAndResumed(withDropout(backend), 13);
      assert.strictEqual(resumed.summary.status, 'done', resumed.summary.error);
      assert.strictEqual(resumed.summary.backend, backend);
      // The first event says how many threads the wasm pool runs and why (none on cpu).
      const start = readEvents(whole.runDir)[0];
      assert.ok(start.type === 'run-start');
      if (backend === 'wasm') {
        assert.ok(start.threads && start.threads.count >= 1, JSON.stringify(start));
        assert.match(start.threads.reason, /KD_WASM_THREADS=\d|cores, load|started earlier/);
      } else assert.strictEqual(start.threads, undefined);
      assert.deepStrictEqual(checkpointBytes(resumed.runDir), checkpointBytes(whole.runDir));
      assert.deepStrictEqual(metrics(resumed), metrics(whole));
      assert.deepStrictEqual(resumed.summary.agreement, whole.summary.agreement);
      assert.deepStrictEqual(resumed.summary.klTeacherStudent, whole.summary.klTeacherStudent);
      // The resumed run continued at step 14 of 24: every step's loss equals the uninterrupted run's.
      assert.deepStrictEqual(stepTotals(resumed.runDir, 'student'), stepTotals(whole.runDir, 'student'));
    });
  }

  it('on threaded wasm (2 threads) stop + resume equals the uninterrupted run bit for bit, and equals 1 thread', async () => {
    // Each thread count needs its own process: the backend's pool is sized when it starts.
    const child = async (threads: number, args: string[]): Promise<ThreadedOutcome> => {
      const finished = await collect(
        spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), THREADED_RUN, ...args], {
          env: { ...process.env, KD_WASM_THREADS: String(threads) },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      const line = finished.stdout.split('\n').find((l) => l.startsWith('{"threads"'));
      assert.ok(line, finished.stdout + finished.stderr);
      const outcome = JSON.parse(line) as ThreadedOutcome;
      assert.strictEqual(outcome.threads, threads, 'the backend ran the threads asked for');
      return outcome;
    };
    const [whole, stopped, single] = await Promise.all([
      child(2, ['whole']),
      child(2, ['stop', '13']),
      child(1, ['whole']),
    ]);
    assert.strictEqual(whole.status, 'done', whole.error);
    assert.strictEqual(stopped.status, 'stopped', stopped.error);
    const resumed = await child(2, ['resume', stopped.runDir]);
    assert.strictEqual(resumed.status, 'done', resumed.error);
    assert.strictEqual(Object.keys(whole.hashes).length, 4, 'teacher and student, best and last');
    assert.deepStrictEqual(resumed.hashes, whole.hashes);
    assert.deepStrictEqual(stepTotals(resumed.runDir, 'student'), stepTotals(whole.runDir, 'student'));
    // XNNPACK gives each output element to one thread, which sums it in a fixed order: the thread count does not matter.
    assert.deepStrictEqual(single.hashes, whole.hashes);
  });

  it('two runs with one seed and a dropout layer are identical; another seed differs', async () => {
    const a = await runExperiment(withDropout('cpu', 5), { runsDir: tempDir() });
    const b = await runExperiment(withDropout('cpu', 5), { runsDir: tempDir() });
    const c = await runExperiment(withDropout('cpu', 6), { runsDir: tempDir() });
    assert.deepStrictEqual(checkpointBytes(a.runDir), checkpointBytes(b.runDir));
    assert.deepStrictEqual(stepTotals(a.runDir, 'student'), stepTotals(b.runDir, 'student'));
    assert.notDeepStrictEqual(stepTotals(a.runDir, 'student'), stepTotals(c.runDir, 'student'));
  });

  it('seeded dropout draws a new mask at every step, the same one for the same step, none at inference', () => {
    const layer = new SeededDropout({ rate: 0.5, seed: 11, name: 'drop' });
    const x = tf.ones([4, 64]);
    const maskAt = (step: number): number[] => {
      setRandomStep(step);
      return Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync());
    };
    const first = maskAt(1);
    assert.deepStrictEqual(maskAt(1), first);
    assert.notDeepStrictEqual(maskAt(2), first);
    // Kept units are scaled by 1 / (1 − rate); about half are dropped.
    assert.ok(first.every((v) => v === 0 || v === 2));
    const dropped = first.filter((v) => v === 0).length;
    assert.ok(dropped > 64 && dropped < 192, `${dropped} of 256 dropped`);
    assert.deepStrictEqual(Array.from((layer.apply(x) as tf.Tensor).dataSync()), new Array(256).fill(1));
  });
});
