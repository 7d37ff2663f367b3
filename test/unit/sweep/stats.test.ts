import { strict as assert } from 'assert';
import type { ModelMetrics, RunSummary, StageRole } from '../../../src/protocol/events';
import {
  compareRuns,
  describe as describeValues,
  flatten,
  groupRuns,
  pairedDifference,
  type RunRecord,
} from '../../../src/engine/sweep/stats';

function model(stage: string, role: StageRole, best: number, last: number, params: number): ModelMetrics {
  return {
    stage,
    role,
    summary: {
      name: stage,
      layers: [],
      params,
      trainableParams: params,
      macs: params,
      bytes: params * 4,
      depth: 2,
      width: 10,
      inputShape: [4],
      classes: 2,
    },
    best: { epoch: 2, val: best, test: best },
    last: { epoch: 3, val: last, test: last },
    latencyMs: 0.1,
  };
}

function run(
  dir: string,
  config: object,
  student: number,
  baseline: number,
  extra: Partial<RunSummary> = {},
): RunRecord {
  const summary: RunSummary = {
    runId: dir,
    experiment: 'e',
    sourceFile: '/x.kd.json',
    status: 'done',
    backend: 'cpu',
    startedAt: '',
    endedAt: '',
    durationMs: 1000,
    models: {
      teacher: model('teacher', 'teacher', 0.95, 0.94, 1000),
      student: model('student', 'student', student, student - 0.01, 100),
      baseline: model('baseline', 'baseline', baseline, baseline - 0.02, 100),
    },
    product: 'student',
    agreement: 0.9,
    ...extra,
  };
  return { dir, runId: dir, experiment: 'e', status: 'done', config, summary };
}

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('run statistics', () => {
  it('describes values: mean, sample std (n − 1), min, max and the t-based 95% CI', () => {
    const s = describeValues([0.1, 0.3, 0.2]);
    assert.equal(s.n, 3);
    close(s.mean, 0.2);
    // Deviations −0.1, 0.1, 0: sum of squares 0.02 over n − 1 = 2 gives 0.01, std 0.1.
    close(s.std, 0.1);
    close(s.min, 0.1);
    close(s.max, 0.3);
    // Half-width t(0.975, 2) · 0.1 / √3 = 4.30265 · 0.057735 = 0.248414.
    close(s.ci95![0], 0.2 - 0.248414, 1e-5);
    close(s.ci95![1], 0.2 + 0.248414, 1e-5);
    assert.equal(s.excludesZero, false);
  });

  it('one value has std 0 and no interval', () => {
    const s = describeValues([0.5]);
    assert.deepEqual(s, { n: 1, mean: 0.5, std: 0, min: 0.5, max: 0.5 });
  });

  it('the paired difference of per-seed values is the statistics of the differences', () => {
    // Differences 0.04, 0.05, 0.03, 0.04: mean 0.04, std √((0 + 1e-4 + 1e-4 + 0)/3) = 0.0081650.
    const s = pairedDifference([0.91, 0.93, 0.92, 0.95], [0.87, 0.88, 0.89, 0.91]);
    close(s.mean, 0.04);
    close(s.std, 0.008165, 1e-7);
    // t(0.975, 3) = 3.18245: half-width 3.18245 · 0.0081650 / 2 = 0.0129923.
    close(s.ci95![0], 0.04 - 0.0129923, 1e-6);
    assert.equal(s.excludesZero, true);
    assert.throws(() => pairedDifference([1], [1, 2]), /length/);
  });

  it('groups runs that differ only by seed, with paired KD gain statistics', () => {
    const base = { name: 'e', student: { hidden: [8] }, distill: { losses: [{ type: 'kd', temperature: 2 }] } };
    const t4 = { ...base, distill: { losses: [{ type: 'kd', temperature: 4 }] } };
    const runs = [
      run('a1', { ...base, seed: 1 }, 0.9, 0.88),
      run('b1', { ...t4, seed: 1 }, 0.92, 0.88),
      run('a2', { ...base, seed: 2 }, 0.91, 0.9),
      run('b2', { ...t4, seed: 2 }, 0.93, 0.9),
      run('a3', { ...base, seed: 3 }, 0.89, 0.86),
      { dir: 'failed', runId: 'failed', experiment: 'e', status: 'failed', config: { ...base, seed: 4 } },
    ];
    const { runs: rows, groups } = compareRuns(runs);
    assert.equal(rows.length, 6);
    assert.equal(groups.length, 2);
    const [a, b] = groups;
    assert.deepEqual(a.params, { 'distill.losses[0].temperature': 2 });
    assert.deepEqual(b.params, { 'distill.losses[0].temperature': 4 });
    assert.deepEqual(a.runDirs, ['a1', 'a2', 'a3']);
    assert.deepEqual(a.seeds, [1, 2, 3]);
    assert.equal(a.n, 3);
    // Gains 0.02, 0.01, 0.03: mean 0.02, std 0.01.
    close(a.metrics.kdGain.mean, 0.02);
    close(a.metrics.kdGain.std, 0.01);
    close(a.metrics.kdGain.ci95![0], 0.02 - (4.302653 * 0.01) / Math.sqrt(3), 1e-6);
    close(a.metrics['student.best.test'].mean, 0.9);
    close(a.metrics['student.last.test'].mean, 0.89);
    close(a.metrics['baseline.best.test'].min, 0.86);
    close(a.metrics['kdGain.last'].mean, 0.03);
    assert.equal(a.metrics.params.mean, 100);
    assert.equal(a.metrics.agreement.n, 3);
    // b: gains 0.04 and 0.03.
    assert.equal(b.n, 2);
    close(b.metrics.kdGain.mean, 0.035);
    assert.deepEqual(rows[5].metrics, {});
    assert.equal(rows[5].status, 'failed');
  });

  it('runs of a sweep group by their swept values and keep them as params', () => {
    const sweep = (point: number, seed: number, t: number) => ({
      name: 'e',
      seed,
      sweep: { id: 's1', point, params: { 'distill.losses[1].temperature': t }, seed },
      distill: { losses: [{ type: 'ce' }, { type: 'kd', temperature: t }] },
    });
    const groups = groupRuns([
      run('p0', sweep(0, 1, 2), 0.9, 0.89),
      run('p1', sweep(1, 2, 2), 0.9, 0.88),
      run('p2', sweep(2, 1, 4), 0.9, 0.87),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.params, g.n]),
      [
        [{ 'distill.losses[1].temperature': 2 }, 2],
        [{ 'distill.losses[1].temperature': 4 }, 1],
      ],
    );
  });

  it('without grouping every finished run is its own group', () => {
    const groups = groupRuns([run('a', { seed: 1 }, 0.9, 0.8), run('b', { seed: 2 }, 0.9, 0.8)], { bySeed: false });
    assert.deepEqual(
      groups.map((g) => g.n),
      [1, 1],
    );
  });

  it('flattens configs into sweep-style paths', () => {
    assert.deepEqual(flatten({ a: { b: [1, { c: 2 }] }, d: [] }), { 'a.b[0]': 1, 'a.b[1].c': 2, d: [] });
  });
});
