import { strict as assert } from 'assert';
import * as path from 'path';
import type { RunInfo } from '../../../src/engine/store/runStore';
import type { SweepRecord } from '../../../src/protocol/sweep';
import { sweepLenses } from '../../../src/extension/editor/lensModel';
import { buildSweepNode, sweepProgressText } from '../../../src/extension/tree/sweepTreeModel';

function record(executor: 'local' | 'slurm', points: number): SweepRecord {
  return {
    version: 1,
    id: 'sweep-x',
    experiment: 'exp',
    sourceFile: '/ws/exp.kd.json',
    runsDir: '/ws/runs',
    createdAt: '2026-12-02T00:00:00.000Z',
    executor,
    concurrency: 1,
    paths: ['distill.losses[1].temperature'],
    points: Array.from({ length: points }, (_, i) => ({
      index: i,
      setting: Math.floor(i / 2),
      params: { 'distill.losses[1].temperature': i < 2 ? 2 : 4 },
      seed: (i % 2) + 1,
      runDir: path.join('exp', `sweep-x-p00${i}`),
    })),
  };
}

function run(dir: string, status: RunInfo['status'], crashed = false): RunInfo {
  return { dir, status, crashed, runId: path.basename(dir), experiment: 'exp' } as RunInfo;
}

describe('sweep tree model', () => {
  it('counts done, running, queued, failed and not started points from run folders and jobs', () => {
    const r = record('local', 6);
    const runs = new Map([
      ['/ws/runs/exp/sweep-x-p000', run('/ws/runs/exp/sweep-x-p000', 'done')],
      ['/ws/runs/exp/sweep-x-p001', run('/ws/runs/exp/sweep-x-p001', 'failed')],
      ['/ws/runs/exp/sweep-x-p002', run('/ws/runs/exp/sweep-x-p002', 'done')],
      ['/ws/runs/exp/sweep-x-p003', run('/ws/runs/exp/sweep-x-p003', 'running')],
    ]);
    const node = buildSweepNode(
      {
        dir: '/ws/runs/exp/sweeps/sweep-x',
        record: r,
        jobs: new Map([
          [3, 'running'],
          [4, 'queued'],
        ]),
        scheduler: new Map(),
      },
      (d) => runs.get(d),
    );
    assert.equal(node.description, '2/6 done · 1 running · 1 queued · 1 failed · 1 not started');
    assert.equal(node.label, 'exp · sweep-x');
    assert.equal(node.contextValue, 'sweep:live');
    assert.deepEqual(
      node.children.map((c) => c.kind),
      ['run', 'run', 'run', 'run', 'sweepPoint', 'sweepPoint'],
    );
    assert.equal(node.children[1].icon, 'failed');
    assert.match(node.children[1].description, /^✗ failed/);
    assert.equal(node.children[0].label, 'p0 · temperature=2 seed 1');
  });

  it('is resumable when points are left and nothing runs, complete when all are done', () => {
    const r = record('local', 2);
    const dir = '/ws/runs/exp/sweeps/sweep-x';
    const stopped = buildSweepNode({ dir, record: r, jobs: new Map(), scheduler: new Map() }, (d) =>
      d.endsWith('p000') ? run(d, 'done') : run(d, 'running', true),
    );
    assert.equal(stopped.description, '1/2 done · 1 stopped');
    assert.equal(stopped.contextValue, 'sweep:resumable');
    const done = buildSweepNode({ dir, record: r, jobs: new Map(), scheduler: new Map() }, (d) => run(d, 'done'));
    assert.equal(done.contextValue, 'sweep:complete');
  });

  it('shows SLURM pending and running tasks before their run folders exist', () => {
    const r = { ...record('slurm', 3), slurm: { jobIds: ['12'], script: 'job.sh', args: [] } };
    const node = buildSweepNode(
      {
        dir: '/ws/runs/exp/sweeps/sweep-x',
        record: r,
        jobs: new Map(),
        scheduler: new Map([
          [0, 'RUNNING'],
          [1, 'PENDING'],
          [2, 'FAILED'],
        ]),
      },
      () => undefined,
    );
    assert.equal(node.description, '0/3 done · 1 running · 1 queued · 1 failed');
    assert.equal(node.contextValue, 'sweep:live:slurm');
    assert.equal(node.children[1].description, 'queued (SLURM PENDING)');
  });

  it('writes progress text and the Run Sweep lens', () => {
    assert.equal(
      sweepProgressText(['done', 'done', 'done', 'running', 'failed', 'queued']),
      '3/6 done · 1 running · 1 queued · 1 failed',
    );
    assert.deepEqual(sweepLenses('/ws/a.kd.json', [{ line: 7, cell: 'kd', runs: 12 }]), [
      {
        line: 7,
        title: '▶ Run Sweep (12 runs)',
        tooltip: 'Run every point of this sweep (setting distillationStudio.sweepExecutor: here or on SLURM)',
        command: 'distillationStudio.runSweep',
        args: [{ file: '/ws/a.kd.json', cell: 'kd' }],
      },
    ]);
  });
});
