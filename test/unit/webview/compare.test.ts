import * as assert from 'assert';
import type { RunEvent, RunSummary } from '../../../src/protocol/events';
import type { CompareRunView } from '../../../src/protocol/webview';
import { bestCells, compareRunOf, sortRuns, compareCsvRows, COMPARE_COLUMNS } from '../../../src/shared/compare/model';
import { FIXTURES, readFixtureEvents } from '../../webview/fixtures/read';

function summaryOf(events: RunEvent[]): RunSummary {
  const event = events.find((e): e is Extract<RunEvent, { type: 'summary' }> => e.type === 'summary');
  assert.ok(event);
  return event.summary;
}

function row(partial: Partial<CompareRunView> & { runDir: string }): CompareRunView {
  return { runId: partial.runDir, experiment: 'e', status: 'done', valCurve: { epoch: [], valAcc: [] }, ...partial };
}

describe('run comparison rows', () => {
  it('reads a finished run from its summary and its product’s validation curve', () => {
    const events = readFixtureEvents(FIXTURES.lenet);
    const summary = summaryOf(events);
    const run = compareRunOf({
      runDir: '/r/1',
      runId: summary.runId,
      experiment: 'mnist-lenet-hint',
      status: 'done',
      summary,
      events,
    });
    assert.deepStrictEqual(run.student, {
      best: summary.models.student.best.test,
      last: summary.models.student.last.test,
    });
    assert.deepStrictEqual(run.teacher, {
      best: summary.models.teacher.best.test,
      last: summary.models.teacher.last.test,
    });
    assert.deepStrictEqual(run.baseline, {
      best: summary.models.baseline.best.test,
      last: summary.models.baseline.last.test,
    });
    assert.strictEqual(run.kdGain, summary.kdGain);
    assert.strictEqual(run.params, summary.models.student.summary.params);
    assert.strictEqual(run.durationMs, summary.durationMs);
    const epochs = events.filter(
      (e): e is Extract<RunEvent, { type: 'epoch' }> => e.type === 'epoch' && e.stage === 'student',
    );
    assert.deepStrictEqual(run.valCurve, { epoch: epochs.map((e) => e.epoch), valAcc: epochs.map((e) => e.valAcc) });
  });

  it('fills what it can for a run still going', () => {
    const events = readFixtureEvents(FIXTURES.mlp);
    const cut = events.findIndex((e) => e.type === 'stage-start' && e.stage === 'baseline');
    const run = compareRunOf({
      runDir: '/r/2',
      runId: 'x',
      experiment: 'mnist-hinton.kd-T4',
      status: 'running',
      events: events.slice(0, cut),
    });
    assert.strictEqual(run.product, 'student');
    assert.ok(run.student && run.teacher);
    assert.strictEqual(run.baseline, undefined);
    assert.strictEqual(run.kdGain, undefined);
    const models = events.find((e): e is Extract<RunEvent, { type: 'models' }> => e.type === 'models');
    assert.ok(models);
    assert.strictEqual(run.compressionRatio, models.models.teacher.params / models.models.student.params);
  });

  it('highlights the best run per metric in the right direction, ties included', () => {
    const runs = [
      row({ runDir: 'a', kdGain: 0.01, klTeacherStudent: 0.2, params: 10 }),
      row({ runDir: 'b', kdGain: 0.03, klTeacherStudent: 0.1, params: 10 }),
      row({ runDir: 'c' }),
    ];
    const best = bestCells(runs);
    assert.deepStrictEqual([...(best.get('kdGain') ?? [])], ['b']);
    assert.deepStrictEqual([...(best.get('kl') ?? [])], ['b']);
    assert.deepStrictEqual([...(best.get('params') ?? [])].sort(), ['a', 'b']);
    assert.strictEqual(best.has('agreement'), false, 'no run has a value');
  });

  it('sorts by a column with missing values last', () => {
    const runs = [row({ runDir: 'a', agreement: 0.5 }), row({ runDir: 'b' }), row({ runDir: 'c', agreement: 0.9 })];
    assert.deepStrictEqual(
      sortRuns(runs, 'agreement', true).map((r) => r.runDir),
      ['c', 'a', 'b'],
    );
    assert.deepStrictEqual(
      sortRuns(runs, 'agreement', false).map((r) => r.runDir),
      ['a', 'c', 'b'],
    );
    assert.deepStrictEqual(
      sortRuns(runs, 'run', false).map((r) => r.runDir),
      ['a', 'b', 'c'],
    );
  });

  it('exports raw values in column order', () => {
    const { header, rows } = compareCsvRows([row({ runDir: 'a', agreement: 0.5 })]);
    assert.deepStrictEqual(
      header,
      COMPARE_COLUMNS.map((c) => c.key),
    );
    assert.strictEqual(rows[0][header.indexOf('agreement')], 0.5);
  });
});
