// The comparison's pure view-model functions: the Pareto front against a brute force over random
// points (ties included), flat configs and their diff, filters, and group curves against hand
// computations; and the run store's meta.json (names and notes).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { paretoFront } from '../../../src/shared/compare/pareto';
import { diffConfigs, flattenConfig, splitKeys } from '../../../src/shared/compare/config';
import { groupCurve } from '../../../src/shared/compare/curves';
import { filterRows, sortRows } from '../../../src/shared/compare/table';
import { runRow } from '../../../src/shared/compare/rows';
import type { CompareRunView } from '../../../src/protocol/webview';
import { readRunMeta, updateRunMeta, META_FILE } from '../../../src/engine/store/runMeta';
import { curvesOf } from '../../../src/extension/compare/runRow';
import { tempDir } from '../engine/fixtures';

function run(partial: Partial<CompareRunView> & { runDir: string }): CompareRunView {
  return { runId: partial.runDir, experiment: 'e', status: 'done', valCurve: { epoch: [], valAcc: [] }, ...partial };
}

describe('comparison view models', () => {
  it('finds the Pareto front that a brute force finds, ties and duplicates included', () => {
    let seed = 3;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 30);
      // Few distinct values, so equal costs, equal accuracies and exact twins occur.
      const points = Array.from({ length: n }, (_, i) => ({
        id: String(i),
        cost: 1 + Math.floor(random() * 6),
        accuracy: Math.floor(random() * 6) / 10,
      }));
      const brute = points
        .filter(
          (p) =>
            !points.some(
              (q) => q.cost <= p.cost && q.accuracy >= p.accuracy && (q.cost < p.cost || q.accuracy > p.accuracy),
            ),
        )
        .map((p) => p.id)
        .sort();
      assert.deepStrictEqual(paretoFront(points).sort(), brute, JSON.stringify(points));
    }
  });

  it('flattens configs to sweep paths, splits differing from equal keys and diffs two configs', () => {
    const a = flattenConfig({
      seed: 1,
      student: { hidden: [64] },
      distill: { losses: [{ type: 'ce' }, { type: 'kd', temperature: 4 }] },
    });
    assert.deepStrictEqual(a, {
      seed: 1,
      'student.hidden': '[64]',
      'distill.losses[0].type': 'ce',
      'distill.losses[1].type': 'kd',
      'distill.losses[1].temperature': 4,
    });
    const b = { ...a, seed: 2, 'distill.losses[1].temperature': 8, extra: true };
    delete (b as Record<string, unknown>)['student.hidden'];
    const { differing, equal } = splitKeys([a, b]);
    assert.deepStrictEqual(differing, ['distill.losses[1].temperature', 'extra', 'seed', 'student.hidden']);
    assert.deepStrictEqual(Object.keys(equal), ['distill.losses[0].type', 'distill.losses[1].type']);
    const changes = Object.fromEntries(diffConfigs(a, b).map((r) => [r.key, r.change]));
    assert.deepStrictEqual(changes, {
      'distill.losses[0].type': 'same',
      'distill.losses[1].temperature': 'changed',
      'distill.losses[1].type': 'same',
      extra: 'added',
      seed: 'changed',
      'student.hidden': 'removed',
    });
  });

  it('filters by every word of the text and by status, and sorts with missing values last', () => {
    const rows = [
      run({
        runDir: '/a',
        name: 'wide',
        status: 'done',
        student: { best: 0.9, last: 0.9 },
        config: { 'train.lr': 0.01 },
      }),
      run({ runDir: '/b', note: 'narrow try', status: 'failed', student: { best: 0.95, last: 0.9 } }),
      run({ runDir: '/c', status: 'running' }),
    ].map(runRow);
    assert.deepStrictEqual(
      filterRows(rows, { text: 'train.lr=0.01', statuses: [] }).map((r) => r.id),
      ['/a'],
    );
    assert.deepStrictEqual(
      filterRows(rows, { text: 'narrow TRY', statuses: [] }).map((r) => r.id),
      ['/b'],
    );
    assert.deepStrictEqual(
      filterRows(rows, { text: '', statuses: ['running', 'done'] }).map((r) => r.id),
      ['/a', '/c'],
    );
    assert.deepStrictEqual(
      sortRows(rows, 'student.best.test', true).map((r) => r.id),
      ['/b', '/a', '/c'],
    );
    assert.deepStrictEqual(
      sortRows(rows, 'student.best.test', false).map((r) => r.id),
      ['/a', '/b', '/c'],
    );
  });

  it('averages group curves per epoch with a ± sample-std band over the runs that reached it', () => {
    const curve = (values: number[]) => ({ epoch: values.map((_, i) => i + 1), series: { valAcc: values } });
    const line = groupCurve(
      'g',
      'g',
      [run({ runDir: '/1', curves: curve([0.5, 0.7]) }), run({ runDir: '/2', curves: curve([0.7, 0.9, 0.95]) })],
      'valAcc',
    );
    assert.deepStrictEqual(line.epoch, [1, 2, 3]);
    assert.deepStrictEqual(line.n, [2, 2, 1]);
    const sd = Math.sqrt(((0.5 - 0.6) ** 2 + (0.7 - 0.6) ** 2) / 1);
    assert.ok(Math.abs((line.mean[0] ?? 0) - 0.6) < 1e-12);
    assert.ok(Math.abs((line.upper?.[0] ?? 0) - (0.6 + sd)) < 1e-12);
    assert.ok(Math.abs((line.lower?.[1] ?? 0) - (0.8 - sd)) < 1e-12);
    assert.strictEqual(line.upper?.[2], 0.95, 'one run: no spread');
  });

  it('reads per-epoch curves and each loss term’s epoch mean from events, a resume replacing repeated epochs', () => {
    const step = (epoch: number, ce: number) =>
      ({
        type: 'step',
        time: '',
        stage: 'student',
        epoch,
        step: 1,
        stepsPerEpoch: 1,
        globalStep: epoch,
        losses: { ce },
        total: ce,
        lr: 1,
        samplesPerSec: 1,
      }) as const;
    const epoch = (e: number, valAcc: number) =>
      ({
        type: 'epoch',
        time: '',
        stage: 'student',
        epoch: e,
        epochs: 2,
        trainLoss: 1,
        trainAcc: 0.5,
        valAcc,
        valLoss: 1,
        lr: 1,
        durationMs: 1,
      }) as const;
    const curves = curvesOf(
      [step(1, 2), step(1, 4), epoch(1, 0.5), step(2, 1), epoch(2, 0.6), step(2, 3), epoch(2, 0.7)],
      'student',
    );
    assert.deepStrictEqual(curves?.epoch, [1, 2]);
    assert.deepStrictEqual(curves?.series.valAcc, [0.5, 0.7]);
    assert.deepStrictEqual(curves?.series['loss:ce'], [3, 3]);
  });
});

describe('run names and notes (meta.json)', () => {
  it('writes atomically, merges fields, clears blank ones and reads a broken file as none', () => {
    const dir = tempDir();
    const runDir = path.join(dir, 'exp', 'r1');
    assert.throws(() => updateRunMeta(runDir, { name: 'x' }), /not a run folder/);
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(path.join(runDir, 'config.json'), '{}');
    assert.deepStrictEqual(readRunMeta(runDir), {});
    updateRunMeta(runDir, { name: '  wide   T4 ' });
    updateRunMeta(runDir, { note: 'kept\nlines' });
    assert.deepStrictEqual(readRunMeta(runDir), { name: 'wide T4', note: 'kept\nlines' });
    updateRunMeta(runDir, { name: '' });
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(runDir, META_FILE), 'utf8')), { note: 'kept\nlines' });
    assert.deepStrictEqual(fs.readdirSync(runDir).sort(), ['config.json', META_FILE], 'no temporary file left');
    assert.throws(() => updateRunMeta(runDir, { name: 'n'.repeat(201) }), /longer than 200/);
    fs.writeFileSync(path.join(runDir, META_FILE), '{"name": 3}');
    assert.deepStrictEqual(readRunMeta(runDir), {});
  });
});
