import * as assert from 'assert';
import type { ModelSummary, RunEvent } from '../../../src/protocol/events';
import { emptyView, reduce, reduceAll, withDescribedModels } from '../../../src/shared/panel/model';
import { capacityGap, CAPACITY_GAP_WARN_RATIO, statsTable } from '../../../src/shared/panel/stats';
import { baseStage } from '../../../src/shared/stages';
import { FIXTURES, readFixtureEvents } from '../../webview/fixtures/read';

function summary(name: string, params: number, macs = params): ModelSummary {
  return {
    name,
    layers: [],
    params,
    trainableParams: params,
    macs,
    bytes: params * 4,
    depth: 2,
    width: 8,
    inputShape: [4],
    classes: 2,
  };
}

function row(table: ReturnType<typeof statsTable>, key: string) {
  const found = table.rows.find((r) => r.key === key);
  assert.ok(found, `row ${key}`);
  return found;
}

describe('capacity-gap statistics', () => {
  it('shows sizes before the run, from the describe output, with accuracy still empty', () => {
    const view = withDescribedModels(emptyView(), {
      type: 'models',
      time: '',
      models: { teacher: summary('teacher', 1000, 5000), student: summary('student', 50, 400) },
      links: [],
    });
    const table = statsTable(view);
    assert.deepStrictEqual(
      table.columns.map((c) => c.key),
      ['teacher', 'student'],
    );
    assert.deepStrictEqual(
      row(table, 'params').cells.map((c) => c.value),
      [1000, 50],
    );
    assert.deepStrictEqual(
      row(table, 'macs').cells.map((c) => c.value),
      [5000, 400],
    );
    assert.deepStrictEqual(
      row(table, 'compression').cells.map((c) => c.value),
      [1, 20],
    );
    assert.deepStrictEqual(
      row(table, 'accBest').cells.map((c) => c.text),
      ['—', '—'],
    );
    assert.deepStrictEqual(
      row(table, 'latency').cells.map((c) => c.text),
      ['—', '—'],
    );
  });

  it('matches the recorded run’s summary once it ends', () => {
    const events = readFixtureEvents(FIXTURES.mlp);
    const view = reduceAll(emptyView(), events);
    const s = view.summary;
    assert.ok(s);
    const table = statsTable(view);
    assert.deepStrictEqual(
      table.columns.map((c) => c.key),
      ['teacher', 'student', 'baseline'],
    );
    assert.ok(table.columns[1].isProduct);
    assert.deepStrictEqual(
      row(table, 'accBest').cells.map((c) => c.value),
      [s.models.teacher.best.test, s.models.student.best.test, s.models.baseline.best.test],
    );
    assert.deepStrictEqual(
      row(table, 'accLast').cells.map((c) => c.value),
      [s.models.teacher.last.test, s.models.student.last.test, s.models.baseline.last.test],
    );
    assert.deepStrictEqual(
      row(table, 'latency').cells.map((c) => c.value),
      [s.models.teacher.latencyMs, s.models.student.latencyMs, s.models.baseline.latencyMs],
    );
    assert.strictEqual(row(table, 'kdGain').cells[1].value, s.kdGain);
    assert.strictEqual(row(table, 'agreement').cells[1].value, s.agreement);
    assert.strictEqual(row(table, 'kl').cells[1].value, s.klTeacherStudent);
    // Run-level measures belong to the product only.
    assert.strictEqual(row(table, 'agreement').cells[0].text, '');
    const compression = row(table, 'compression').cells[1].value;
    assert.ok(compression !== undefined && Math.abs(compression - (s.compressionRatio ?? 0)) < 1e-3);
    const speedup = row(table, 'speedup').cells[1].value;
    assert.ok(speedup !== undefined && Math.abs(speedup - (s.speedup ?? 0)) < 1e-3);
    // The baseline has the student's architecture.
    assert.strictEqual(row(table, 'params').cells[2].value, row(table, 'params').cells[1].value);
  });

  it('takes the speed-up from the summary only, "within noise" where the summary says so', () => {
    const events = readFixtureEvents(FIXTURES.mlp);
    const ended = reduceAll(emptyView(), events);
    const s = ended.summary;
    assert.ok(s);
    const speedupOf = (summary: typeof s | undefined) => row(statsTable({ ...ended, summary }), 'speedup').cells;
    // Latencies alone would give another ratio: the summary's figure is the one shown, on the product only.
    const measured = speedupOf({ ...s, speedup: 1.7, speedupWithinNoise: undefined });
    assert.deepStrictEqual(
      measured.map((c) => [c.text, c.value]),
      [
        ['', undefined],
        ['1.70×', 1.7],
        ['', undefined],
      ],
    );
    const noisy = speedupOf({ ...s, speedup: undefined, speedupWithinNoise: true });
    assert.deepStrictEqual(
      noisy.map((c) => [c.text, c.value]),
      [
        ['', undefined],
        ['within noise', undefined],
        ['', undefined],
      ],
    );
    // Before the run ends there is no speed-up to show.
    assert.strictEqual(speedupOf(undefined)[1].text, '—');
  });

  it('tracks the best validation accuracy live, before the stage ends', () => {
    const epoch = (n: number, valAcc: number): RunEvent => ({
      type: 'epoch',
      time: '',
      stage: 'student',
      epoch: n,
      epochs: 3,
      trainLoss: 1,
      trainAcc: 0.5,
      valAcc,
      valLoss: 0.1,
      lr: 0.1,
      durationMs: 1,
    });
    const view = reduceAll(emptyView(), [epoch(1, 0.8), epoch(2, 0.9), epoch(3, 0.85)]);
    const best = row(statsTable(view), 'bestVal').cells[0];
    assert.strictEqual(best.value, 0.9);
    assert.strictEqual(best.title, 'epoch 2');
  });

  it('computes the KD gain from the stage metrics before the summary arrives', () => {
    const events = readFixtureEvents(FIXTURES.lenet).filter((e) => e.type !== 'summary' && e.type !== 'run-end');
    const view = reduceAll(emptyView(), events);
    const student = view.metrics.student.best.test;
    const baseline = view.metrics.baseline.best.test;
    const gain = row(statsTable(view), 'kdGain').cells.find((c) => c.value !== undefined);
    assert.ok(gain?.value !== undefined && Math.abs(gain.value - (student - baseline)) < 1e-12);
  });

  it('warns about a large capacity gap unless assistants bridge it', () => {
    const models = (teacher: number, student: number, extra: Record<string, ModelSummary> = {}): RunEvent => ({
      type: 'models',
      time: '',
      models: { teacher: summary('teacher', teacher), student: summary('student', student), ...extra },
      links: [],
    });
    const wide = reduce(emptyView(), models(1000, 50));
    assert.deepStrictEqual(capacityGap(wide), {
      teacher: 'teacher',
      student: 'student',
      ratio: 20,
      warn: true,
      bridged: false,
    });
    const narrow = reduce(emptyView(), models(CAPACITY_GAP_WARN_RATIO * 50, 50));
    assert.strictEqual(capacityGap(narrow)?.warn, false, 'exactly at the threshold is not above it');
    const bridged = reduce(emptyView(), models(1000, 50, { 'assistant-1': summary('assistant-1', 250) }));
    assert.strictEqual(capacityGap(bridged)?.warn, false);
    assert.strictEqual(capacityGap(bridged)?.bridged, true);
    assert.strictEqual(
      capacityGap(
        reduce(emptyView(), { type: 'models', time: '', models: { student: summary('student', 5) }, links: [] }),
      ),
      undefined,
    );
  });

  it('puts the stages of one model’s schedule in one column', () => {
    assert.strictEqual(baseStage('student.hint'), 'student');
    const epoch = (stage: string, n: number, valAcc: number): RunEvent => ({
      type: 'epoch',
      time: '',
      stage,
      epoch: n,
      epochs: 4,
      trainLoss: 1,
      trainAcc: 0.5,
      valAcc,
      valLoss: 0.1,
      lr: 0.1,
      durationMs: 1,
    });
    const view = reduceAll(emptyView(), [epoch('student.hint', 1, 0.7), epoch('student.kd', 2, 0.8)]);
    const table = statsTable(view);
    assert.deepStrictEqual(
      table.columns.map((c) => c.key),
      ['student'],
    );
    assert.strictEqual(row(table, 'bestVal').cells[0].value, 0.8);
  });
});

describe('capacity-gap statistics: what each model is', () => {
  const metrics = (stage: string, role: 'teacher' | 'student', epoch: number) => ({
    stage,
    role,
    summary: summary(stage, 10),
    best: { epoch, val: epoch > 0 ? 0.9 : null, test: 0.9 },
    last: { epoch, val: epoch > 0 ? 0.9 : null, test: 0.9 },
    latencyMs: 0.1,
  });

  it("calls a teacher cell's model the teacher, not a distilled student", () => {
    const view = withDescribedModels(emptyView(), {
      type: 'models',
      time: '',
      models: { student: summary('student', 50) },
      links: [],
    });
    assert.deepStrictEqual(
      statsTable(view).columns.map((c) => c.label),
      ['teacher'],
    );
  });

  it('shows no epoch for a reused teacher, and the distilled student as such', () => {
    const described = withDescribedModels(emptyView(), {
      type: 'models',
      time: '',
      models: { teacher: summary('teacher', 100), student: summary('student', 10) },
      links: [],
    });
    const view = reduce(described, {
      type: 'summary',
      time: '',
      summary: {
        runId: 'r',
        experiment: 'nb.kd',
        sourceFile: '/ws/nb.kd.json',
        status: 'done',
        backend: 'cpu',
        startedAt: '',
        endedAt: '',
        durationMs: 1,
        models: { teacher: metrics('teacher', 'teacher', 0), student: metrics('student', 'student', 3) },
        product: 'student',
      },
    } as RunEvent);
    const table = statsTable(view);
    assert.deepStrictEqual(
      table.columns.map((c) => c.label),
      ['teacher', 'student (distilled)'],
    );
    assert.deepStrictEqual(
      row(table, 'accBest').cells.map((c) => c.title),
      [undefined, 'epoch 3'],
    );
  });
});
