// A checkpoint is one unit: a crash between its files (simulated by a write that fails part-way),
// a corrupted newest unit, or temporaries left by a killed writer never change a resumed result.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Experiment } from '../../../src/engine/config/types';
import { experimentOfRun, runExperiment } from '../../../src/engine/run/runExperiment';
import { readEvents } from '../../../src/engine/store/runStore';
import { syntheticExperiment, tempDir } from './fixtures';

function experiment(): Experiment {
  const base = syntheticExperiment({ baseline: false, teacher: undefined });
  return {
    ...base,
    distill: { scheme: 'offline', cacheTeacher: true, losses: [{ type: 'ce', weight: 1 }] },
    train: { ...base.train, epochs: 4 },
  };
}

function weights(runDir: string, which: 'best' | 'last'): string {
  return fs.readFileSync(path.join(runDir, 'checkpoints', 'student', which, 'weights.bin')).toString('base64');
}

/** Every file or folder below `dir` whose name marks it as a leftover of an interrupted write. */
function leftovers(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (/\.tmp-|^\.next-|^\.new-/.test(entry.name)) out.push(full);
    if (entry.isDirectory()) out.push(...leftovers(full));
  }
  return out;
}

describe('checkpoints are one unit (real TF.js, synthetic data)', function () {
  this.timeout(300000);
  let whole: { best: string; last: string; test: number };

  before(async () => {
    const run = await runExperiment(experiment(), { runsDir: tempDir() });
    assert.strictEqual(run.summary.status, 'done', run.summary.error);
    whole = {
      best: weights(run.runDir, 'best'),
      last: weights(run.runDir, 'last'),
      test: run.summary.models.student.last.test,
    };
  });

  it('a crash after the weights but before the optimizer state of a checkpoint resumes to the uninterrupted result', async () => {
    const runsDir = tempDir();
    // The third checkpoint write fails when its optimizer file is renamed into place: the weights of
    // epoch 3 are already written, the rest of the checkpoint is not (a kill or a full disk there).
    // The module object itself (an ES namespace import is read-only); the engine's imports read through to it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS module object is the one the engine reads through
    const mutableFs = require('fs') as { renameSync: typeof fs.renameSync };
    const rename = mutableFs.renameSync;
    let optimizerWrites = 0;
    mutableFs.renameSync = ((from: fs.PathLike, to: fs.PathLike) => {
      if (String(to).endsWith('optimizer.bin') && ++optimizerWrites === 3) throw new Error('simulated crash');
      return rename(from, to);
    }) as typeof fs.renameSync;
    let crashed;
    try {
      crashed = await runExperiment(experiment(), { runsDir });
    } finally {
      mutableFs.renameSync = rename;
    }
    assert.strictEqual(crashed.summary.status, 'failed');
    const resumed = await runExperiment(experimentOfRun(crashed.runDir), { runsDir, resumeDir: crashed.runDir });
    assert.strictEqual(resumed.summary.status, 'done', resumed.summary.error);
    assert.strictEqual(weights(resumed.runDir, 'last'), whole.last);
    assert.strictEqual(weights(resumed.runDir, 'best'), whole.best);
    assert.strictEqual(resumed.summary.models.student.last.test, whole.test);
    // Epoch 3 is trained again from the end of epoch 2, the last complete checkpoint.
    const starts = readEvents(resumed.runDir).filter((e) => e.type === 'stage-start');
    assert.strictEqual(starts[starts.length - 1].type === 'stage-start' && starts[starts.length - 1].startEpoch, 3);
    assert.deepStrictEqual(leftovers(resumed.runDir), []);
  });

  it('a corrupt newest checkpoint is refused and the previous complete one is used', async () => {
    const runsDir = tempDir();
    let steps = 0;
    const stopped = await runExperiment(experiment(), {
      runsDir,
      onEvent: (e) => void (e.type === 'step' && steps++),
      shouldStop: () => steps >= 20,
    });
    assert.strictEqual(stopped.summary.status, 'stopped');
    const file = path.join(stopped.runDir, 'checkpoints', 'student', 'last', 'weights.bin');
    // Hard links share bytes between units: write a changed copy, as a torn disk write would leave.
    const bytes = fs.readFileSync(file);
    bytes[0] ^= 0xff;
    fs.rmSync(file);
    fs.writeFileSync(file, bytes);
    const warnings: string[] = [];
    const resumed = await runExperiment(experimentOfRun(stopped.runDir), {
      runsDir,
      resumeDir: stopped.runDir,
      onEvent: (e) => void (e.type === 'log' && e.level === 'warn' && warnings.push(e.message)),
    });
    assert.strictEqual(resumed.summary.status, 'done', resumed.summary.error);
    assert.ok(
      warnings.some((w) => /does not match its manifest/.test(w)),
      warnings.join('\n'),
    );
    assert.strictEqual(weights(resumed.runDir, 'last'), whole.last);
    assert.strictEqual(weights(resumed.runDir, 'best'), whole.best);
  });

  it('removes temporaries a killed writer left when the run resumes', async () => {
    const runsDir = tempDir();
    let steps = 0;
    const stopped = await runExperiment(experiment(), {
      runsDir,
      onEvent: (e) => void (e.type === 'step' && steps++),
      shouldStop: () => steps >= 3,
    });
    const stale = [
      path.join(stopped.runDir, 'summary.json.tmp-4242-1700000000000'),
      path.join(stopped.runDir, 'checkpoints', 'student', 'last', 'weights.bin.tmp-4242-1700000000001'),
    ];
    for (const file of stale) fs.writeFileSync(file, Buffer.alloc(1024));
    fs.mkdirSync(path.join(stopped.runDir, 'checkpoints', '.next-student'));
    const resumed = await runExperiment(experimentOfRun(stopped.runDir), { runsDir, resumeDir: stopped.runDir });
    assert.strictEqual(resumed.summary.status, 'done', resumed.summary.error);
    assert.deepStrictEqual(leftovers(resumed.runDir), []);
  });
});
