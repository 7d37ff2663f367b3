import { strict as assert } from 'assert';
import type { Experiment } from '../../../src/engine/config/types';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  buildRunsTree,
  groupByFile,
  parseRunFilter,
  runContextValue,
  withProgress,
} from '../../../src/extension/tree/runsTreeModel';
import { metrics, run, summary } from './fixtures';

/** A resolved config with the fields the labels and tooltips read. */
function experiment(over: { lr?: number; temperature?: number; file?: string; cell?: string } = {}): Experiment {
  return {
    name: over.cell ? `nb.${over.cell}` : 'a',
    cell: over.cell,
    sourceFile: over.file ?? '/ws/a.kd.json',
    seed: 1,
    backend: 'wasm',
    data: { dataset: 'synthetic' },
    teacher: { preset: 'mlp', hidden: [32] },
    student: { preset: 'mlp', hidden: [6] },
    distill: {
      scheme: 'offline',
      cacheTeacher: true,
      losses: [
        { type: 'ce', weight: 0.5 },
        { type: 'kd', weight: 0.5, temperature: over.temperature ?? 4, scaleByTemperatureSquared: true },
      ],
    },
    train: {
      epochs: 2,
      batchSize: 32,
      optimizer: { type: 'adam', lr: over.lr ?? 0.01 },
      schedule: { type: 'constant' },
    },
    baseline: true,
  } as unknown as Experiment;
}

describe('runs tree model', () => {
  const a1 = run({ experiment: 'a', runId: '20261101-100000-0001', summary: summary() });
  const a2 = run({ experiment: 'a', runId: '20261102-100000-0002', status: 'failed', crashed: true });
  const b1 = run({
    experiment: 'b',
    runId: '20261103-100000-0003',
    status: 'running',
    progress: { stage: 'student', epoch: 1, epochs: 3, step: 2, stepsPerEpoch: 10 },
  });

  it('groups runs by experiment, newest experiment and run first', () => {
    const tree = buildRunsTree([a1, b1, a2]);
    assert.deepEqual(
      tree.map((e) => e.name),
      ['b', 'a'],
    );
    // Runs that differ in nothing known are numbered from the oldest, with their start.
    assert.deepEqual(
      tree[1].children.map((c) => c.label),
      ['#2 · Nov 2, 10:00', '#1 · Nov 1, 10:00'],
    );
    assert.equal(tree[1].description, '2 runs · best student 91.2%');
    assert.equal(tree[0].description, '1 run');
  });

  it('gives each run its icon, description and context key', () => {
    const [b, a] = buildRunsTree([a1, a2, b1]);
    const [crashed, done] = a.children;
    const running = b.children[0];
    assert.ok(crashed.kind === 'run' && done.kind === 'run' && running.kind === 'run');
    assert.deepEqual(
      [done.icon, done.contextValue, done.description],
      ['done', 'run:done', 'student 91.2% · +1.30 pts vs baseline · Nov 1, 10:00'],
    );
    assert.deepEqual(
      [crashed.icon, crashed.contextValue, crashed.description],
      ['failed', 'run:failed', 'crashed · Nov 2, 10:00'],
    );
    assert.deepEqual(
      [running.icon, running.contextValue, running.description],
      ['running', 'run:running', 'student · epoch 1/3 · step 2/10 · Nov 3, 10:00'],
    );
    assert.match(done.tooltip, /KD gain over baseline/);
  });

  it('lists queued runs on top, under their experiment', () => {
    const tree = buildRunsTree(
      [a1, b1],
      [
        { jobId: 7, experiment: 'a', label: 'nb · a' },
        { jobId: 8, experiment: 'c', label: 'c' },
      ],
    );
    assert.deepEqual(
      tree.map((e) => e.name),
      ['a', 'c', 'b'],
    );
    assert.deepEqual(
      tree[0].children.map((c) => [c.kind, c.kind === 'sweep' ? '' : c.icon]),
      [
        ['queued', 'queued'],
        ['run', 'done'],
      ],
    );
    const queued = tree[0].children[0];
    assert.ok(queued.kind === 'queued');
    assert.equal(queued.jobId, 7);
    assert.equal(tree[1].description, 'queued');
  });

  it('marks a run queued to resume on its own item', () => {
    const stopped = run({ experiment: 'a', runId: '20261104-100000-0004', status: 'stopped' });
    const [a] = buildRunsTree([stopped], [{ jobId: 3, experiment: 'a', resumeDir: stopped.dir, label: 'a (resumed)' }]);
    assert.equal(a.children.length, 1);
    const item = a.children[0];
    assert.ok(item.kind === 'run');
    assert.equal(item.icon, 'queued');
    assert.equal(item.description, 'queued to resume · stopped · Nov 4, 10:00');
    assert.equal(item.contextValue, 'run:stopped:resumable');
  });

  it('offers Resume only on runs that can continue (stopped, or crashed with a checkpoint)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-resumable-'));
    try {
      assert.equal(runContextValue(run({ dir, status: 'stopped' })), 'run:stopped:resumable');
      // Failed on its own configuration: a resume would fail the same way.
      assert.equal(runContextValue(run({ dir, status: 'failed', crashed: false })), 'run:failed');
      // Crashed before any checkpoint: nothing to continue from.
      assert.equal(runContextValue(run({ dir, status: 'failed', crashed: true })), 'run:failed');
      fs.mkdirSync(path.join(dir, 'checkpoints', 'student'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'checkpoints', 'student', 'state.json'), '{}');
      assert.equal(runContextValue(run({ dir, status: 'failed', crashed: true })), 'run:failed:resumable');
      assert.equal(runContextValue(run({ dir, status: 'done' })), 'run:done');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is empty without runs', () => {
    assert.deepEqual(buildRunsTree([]), []);
  });

  const r1 = run({
    experiment: 'a',
    runId: '20261101-100000-0001',
    config: experiment({ lr: 0.01 }),
    summary: summary(),
  });
  const r2 = run({
    experiment: 'a',
    runId: '20261102-100000-0002',
    config: experiment({ lr: 0.003, temperature: 8 }),
    summary: summary({
      models: {
        ...summary().models,
        student: { ...summary().models.student, best: { epoch: 3, val: 0.97, test: 0.97 } },
      },
    }),
  });

  it('labels runs by the settings in which they differ, or by the name the user gave them', () => {
    const [a] = buildRunsTree([r1, r2]);
    assert.deepEqual(
      a.children.map((c) => c.label),
      ['kd.temperature=8 · lr=0.003', 'kd.temperature=4 · lr=0.01'],
    );
    const named = buildRunsTree([r1, r2], [], { meta: new Map([[r1.dir, { name: 'first try', note: 'T too low?' }]]) });
    const first = named[0].children.find((c) => c.kind === 'run' && c.run.dir === r1.dir);
    assert.equal(first?.label, 'first try');
    assert.match(first?.tooltip ?? '', /T too low\?/);
  });

  it('puts the key hyper-parameters and the results in the tooltip', () => {
    const [a] = buildRunsTree([r1]);
    const tooltip = a.children[0].tooltip;
    assert.match(tooltip, /\| student \| mlp \(hidden \[6\]\) \|/);
    assert.match(tooltip, /\| losses \| ce ×0\.5, kd ×0\.5 T=4 \|/);
    assert.match(tooltip, /\| training \| 2 epochs · batch 32 · adam lr 0\.01 \|/);
    assert.match(tooltip, /KD gain over baseline/);
  });

  it('filters by words and status, and sorts newest or best first', () => {
    const failed = run({ experiment: 'b', runId: '20261103-100000-0003', status: 'failed' });
    const byStatus = buildRunsTree([r1, r2, failed], [], { filter: parseRunFilter('status:failed') });
    assert.deepEqual(
      byStatus.map((e) => [e.name, e.children.length]),
      [['b', 1]],
    );
    const byText = buildRunsTree([r1, r2, failed], [], { filter: parseRunFilter('LR=0.003') });
    assert.deepEqual(
      byText.flatMap((e) => e.children.map((c) => c.label)),
      ['kd.temperature=8 · lr=0.003'],
    );
    assert.equal(parseRunFilter('   '), undefined);
    const best = buildRunsTree([r1, r2], [], { sort: 'best' });
    assert.deepEqual(
      best[0].children.map((c) => (c.kind === 'run' ? c.run.runId : '')),
      [r2.runId, r1.runId],
    );
    const worstLast = buildRunsTree([r2, r1], [], { sort: 'newest' });
    assert.equal(worstLast[0].children[0].kind === 'run' && worstLast[0].children[0].run.runId, r2.runId);
  });

  it('groups experiments under their file, cells labelled by their name', () => {
    const cellA = run({
      experiment: 'nb.teacher',
      runId: '20261105-100000-0005',
      config: experiment({ file: '/ws/nb.kd.json', cell: 'teacher' }),
    });
    const cellB = run({
      experiment: 'nb.kd',
      runId: '20261106-100000-0006',
      config: experiment({ file: '/ws/nb.kd.json', cell: 'kd' }),
    });
    const loose = run({ experiment: 'old', runId: '20261001-100000-0007' });
    const files = groupByFile(buildRunsTree([r1, cellA, cellB, loose]), {
      relative: (f) => f.replace('/ws/', ''),
      exists: (f) => f !== '/ws/a.kd.json',
      baseName: (f) => f.split('/').pop() ?? f,
    });
    assert.deepEqual(
      files.map((f) => [f.label, f.contextValue, f.children.map((e) => e.label)]),
      [
        ['nb.kd.json', 'file', ['kd', 'teacher']],
        ['a.kd.json', 'file:missing', ['a']],
        ['Other runs', 'file:unknown', ['old']],
      ],
    );
    assert.equal(files[0].description, '2 experiments · 2 runs');
    assert.deepEqual([files[0].children[0].file, files[0].children[0].cell], ['/ws/nb.kd.json', 'kd']);
  });

  it("gives a file's best student from the runs that distil, not from its teacher cell", () => {
    const teacherConfig = { ...experiment({ file: '/ws/nb.kd.json', cell: 'teacher' }), teacher: undefined };
    const teacherRun = run({
      experiment: 'nb.teacher',
      runId: '20261105-100000-0005',
      config: teacherConfig as Experiment,
      summary: summary({ models: { student: metrics('student', 'student', 0.854, 0.85, 500) } }),
    });
    const kdRun = run({
      experiment: 'nb.kd',
      runId: '20261106-100000-0006',
      config: experiment({ file: '/ws/nb.kd.json', cell: 'kd' }),
      summary: summary(),
    });
    const layout = { relative: (f: string) => f, exists: () => true, baseName: (f: string) => f.split('/').pop() ?? f };
    const [file] = groupByFile(buildRunsTree([teacherRun, kdRun]), layout);
    assert.equal(file.description, '2 experiments · 2 runs · best student 91.2%');
    const [alone] = groupByFile(buildRunsTree([teacherRun]), layout);
    assert.equal(alone.description, '1 experiment · 1 run · best teacher 85.4%');
  });

  it('moves a running row on with live progress', () => {
    const running = run({ experiment: 'b', runId: '20261103-100000-0003', status: 'running' });
    const [b] = buildRunsTree([running]);
    const node = b.children[0];
    assert.ok(node.kind === 'run');
    const moved = withProgress(node, {
      stage: 'student',
      epoch: 2,
      epochs: 8,
      step: 40,
      stepsPerEpoch: 50,
      total: 0.25,
    });
    assert.equal(moved.description, 'student · epoch 2/8 · step 40/50 · loss 0.2500 · Nov 3, 10:00');
  });
});
