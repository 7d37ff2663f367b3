// The comparison's row memory: a live update (one run replaced, the groups re-sent as fresh objects
// with the same data but one) rebuilds exactly the rows whose data changed, and what it returns
// equals what the plain `rowsOf` builds; the speed-up cell reads "within noise" only from the summary's flag.
import * as assert from 'assert';
import type { CompareGroupView, CompareRunView, CompareViewModel } from '../../../src/protocol/webview';
import { RowCache, sameData } from '../../../src/shared/compare/rowCache';
import { rowsOf, WITHIN_NOISE } from '../../../src/shared/compare/rows';
import { compareRunOf } from '../../../src/shared/compare/model';

function run(runDir: string, partial: Partial<CompareRunView> = {}): CompareRunView {
  return { runDir, runId: runDir, experiment: 'e', status: 'done', valCurve: { epoch: [], valAcc: [] }, ...partial };
}

function group(key: string, runDirs: string[], mean: number): CompareGroupView {
  return {
    key,
    config: { t: Number(key) },
    runDirs,
    seeds: runDirs.map((_, i) => i + 1),
    metrics: { 'student.best.test': { n: runDirs.length, mean, std: 0.01, min: mean - 0.01, max: mean + 0.01 } },
  };
}

function viewOf(runs: CompareRunView[], groups: CompareGroupView[]): CompareViewModel {
  return { title: 't', runs, groups, configKeys: { differing: [], swept: ['t'], equal: {} } };
}

describe('comparison row cache', () => {
  const runs = ['a1', 'a2', 'b1', 'b2', 'c1'].map((d) => run(d, { student: { best: 0.9, last: 0.9 } }));
  const groups = [group('2', ['a1', 'a2'], 0.9), group('4', ['b1', 'b2'], 0.91)];

  it('rebuilds only the rows whose run or group data changed, and agrees with rowsOf', () => {
    for (const grouped of [true, false]) {
      const cache = new RowCache();
      const first = cache.rows(viewOf(runs, groups), grouped);
      assert.strictEqual(first.changed, true);
      assert.deepStrictEqual(first.rows, rowsOf(viewOf(runs, groups), grouped));
      // The same data again, as fresh objects for the groups (as a live update sends them): nothing changes.
      const again = cache.rows(viewOf(runs.slice(), structuredClone(groups)), grouped);
      assert.strictEqual(again.changed, false);
      assert.strictEqual(again.rows, first.rows);
      // c1 (in no group) progresses; group 4's statistics change.
      const c1 = run('c1', { status: 'running', progress: { stage: 'student', epoch: 2, epochs: 4 } });
      const nextRuns = [...runs.slice(0, 4), c1];
      const nextGroups = [structuredClone(groups[0]!), group('4', ['b1', 'b2'], 0.95)];
      const next = cache.rows(viewOf(nextRuns, nextGroups), grouped);
      assert.strictEqual(next.changed, true);
      assert.deepStrictEqual(next.rows, rowsOf(viewOf(nextRuns, nextGroups), grouped));
      const kept = next.rows.filter((row) => first.rows.includes(row)).map((row) => row.id);
      assert.deepStrictEqual(kept, grouped ? ['group:2'] : ['a1', 'a2', 'b1', 'b2']);
    }
  });

  it('compares plain data deeply', () => {
    assert.ok(sameData({ a: [1, { b: null }] }, { a: [1, { b: null }] }));
    assert.ok(!sameData({ a: [1, 2] }, { a: [1, 2, 3] }));
    assert.ok(!sameData({ a: 1 }, { b: 1 }));
    assert.ok(!sameData({ a: undefined }, {}));
    assert.ok(!sameData([1], { 0: 1 }));
  });

  it('takes the speed-up from the summary only and says "within noise" where the summary does', () => {
    const teacher = { latencyMs: 2 };
    const student = { latencyMs: 1 };
    const metrics = (stage: string, role: 'teacher' | 'student', latencyMs: number) => ({
      stage,
      role,
      summary: { params: 10, macs: 10, bytes: 40 } as never,
      best: { epoch: 1, val: 0.9, test: 0.9 },
      last: { epoch: 1, val: 0.9, test: 0.9 },
      latencyMs,
    });
    const summary = {
      runId: 'r',
      experiment: 'e',
      sourceFile: '/e.kd.json',
      status: 'done' as const,
      backend: 'cpu',
      startedAt: '',
      endedAt: '',
      durationMs: 1,
      models: {
        teacher: metrics('teacher', 'teacher', teacher.latencyMs),
        student: metrics('student', 'student', student.latencyMs),
      },
      product: 'student',
      speedupWithinNoise: true,
    };
    const noisy = compareRunOf({ runDir: '/r', runId: 'r', experiment: 'e', status: 'done', summary, events: [] });
    // The latencies' ratio would be 2×; the summary says it is within their spread.
    assert.strictEqual(noisy.speedup, undefined);
    assert.strictEqual(noisy.speedupWithinNoise, true);
    const [row] = rowsOf(viewOf([noisy], []), false);
    assert.deepStrictEqual(row?.reasons, { speedup: WITHIN_NOISE });
    const measured = compareRunOf({
      runDir: '/s',
      runId: 's',
      experiment: 'e',
      status: 'done',
      summary: { ...summary, speedupWithinNoise: undefined, speedup: 1.7 },
      events: [],
    });
    assert.strictEqual(measured.speedup, 1.7);
    assert.strictEqual(rowsOf(viewOf([measured], []), false)[0]?.reasons, undefined);
  });
});
