import * as assert from 'assert';
import type { ModelMetrics, ModelSummary, RunEvent } from '../../../src/protocol/events';
import {
  defaultChartStage,
  emptyView,
  MAX_LOG_LINES,
  productStage,
  reduce,
  reduceAll,
  withDescribedModels,
} from '../../../src/shared/panel/model';
import { FIXTURES, readFixtureEvents } from '../../webview/fixtures/read';

const time = '2025-01-01T00:00:00.000Z';

function step(stage: string, globalStep: number, losses: Record<string, number>, epoch = 1): RunEvent {
  const total = Object.values(losses).reduce((a, b) => a + b, 0);
  return {
    type: 'step',
    time,
    stage,
    epoch,
    step: globalStep,
    stepsPerEpoch: 100,
    globalStep,
    losses,
    total,
    lr: 0.01,
    samplesPerSec: 100,
  };
}

function epoch(stage: string, n: number, valAcc: number | null): RunEvent {
  return {
    type: 'epoch',
    time,
    stage,
    epoch: n,
    epochs: 5,
    trainLoss: 1 / n,
    trainAcc: 0.5 + n / 100,
    valAcc,
    valLoss: valAcc === null ? null : 1 - valAcc,
    lr: 0.01,
    durationMs: 10,
  };
}

const tinySummary: ModelSummary = {
  name: 'student',
  layers: [{ name: 'input', type: 'InputLayer', outputShape: [null, 4], params: 0, macs: 0, inbound: [] }],
  params: 10,
  trainableParams: 10,
  macs: 8,
  bytes: 40,
  depth: 1,
  width: 2,
  inputShape: [4],
  classes: 2,
};

describe('panel view model reducer', () => {
  it('folds a recorded run into stages, series, metrics and summary', () => {
    const events = readFixtureEvents(FIXTURES.lenet);
    const view = reduceAll(emptyView({ kind: 'run', runDir: '/runs/x/1' }), events);
    assert.deepStrictEqual(
      view.stages.map((s) => s.name),
      ['teacher', 'student', 'baseline'],
    );
    const student = view.stages[1];
    const steps = events.filter(
      (e): e is Extract<RunEvent, { type: 'step' }> => e.type === 'step' && e.stage === 'student',
    );
    assert.strictEqual(student.loss.step.length, steps.length);
    assert.deepStrictEqual(
      student.loss.total,
      steps.map((s) => s.total),
    );
    assert.deepStrictEqual(student.terms, ['ce', 'kd', 'hint:conv2->conv2']);
    assert.deepStrictEqual(
      student.loss.terms['hint:conv2->conv2'],
      steps.map((s) => s.losses['hint:conv2->conv2']),
    );
    assert.strictEqual(student.history.epoch.length, 3);
    assert.strictEqual(view.run?.status, 'done');
    assert.strictEqual(view.summary?.product, 'student');
    assert.deepStrictEqual(Object.keys(view.metrics).sort(), ['baseline', 'student', 'teacher']);
    assert.strictEqual(view.links.length, 1);
    assert.strictEqual(view.modelsFrom, 'run');
    assert.ok(view.stages.every((s) => s.status === 'done'));
    assert.strictEqual(view.title, 'mnist-lenet-hint');
  });

  it('returns new view objects and leaves untouched stages shared', () => {
    let view = reduce(emptyView(), step('teacher', 1, { ce: 1 }));
    view = reduce(view, step('student', 1, { ce: 1 }));
    const next = reduce(view, step('student', 2, { ce: 0.5 }));
    assert.notStrictEqual(next, view);
    assert.notStrictEqual(next.stages, view.stages);
    assert.strictEqual(next.stages[0], view.stages[0], 'the teacher stage did not change');
    assert.notStrictEqual(next.stages[1], view.stages[1]);
  });

  it('adds a term that appears mid-stage with nulls before it', () => {
    const view = reduceAll(emptyView(), [step('s', 1, { ce: 1 }), step('s', 2, { ce: 0.9, kd: 2 })]);
    assert.deepStrictEqual(view.stages[0].loss.terms.kd, [null, 2]);
    assert.deepStrictEqual(view.stages[0].loss.terms.ce, [1, 0.9]);
    assert.deepStrictEqual(view.stages[0].terms, ['ce', 'kd']);
  });

  it('replaces the replayed steps and epochs of a resumed run', () => {
    let view = reduceAll(emptyView(), [
      step('s', 1, { ce: 5 }, 1),
      step('s', 2, { ce: 4 }, 1),
      step('s', 3, { ce: 3 }, 2),
      step('s', 4, { ce: 2 }, 2),
      epoch('s', 1, 0.5),
      epoch('s', 2, 0.6),
    ]);
    // The run is resumed at epoch 2: its steps and epoch record are run again.
    view = reduce(view, {
      type: 'stage-start',
      time,
      stage: 's',
      role: 'student',
      epochs: 3,
      stepsPerEpoch: 2,
      terms: ['ce'],
      startEpoch: 2,
    });
    assert.deepStrictEqual(view.stages[0].loss.step, [1, 2]);
    assert.deepStrictEqual(view.stages[0].history.epoch, [1]);
    view = reduceAll(view, [step('s', 3, { ce: 2.5 }, 2), epoch('s', 2, 0.65)]);
    assert.deepStrictEqual(view.stages[0].loss.terms.ce, [5, 4, 2.5]);
    assert.deepStrictEqual(view.stages[0].history.valAcc, [0.5, 0.65]);
    // A step number going back without a stage-start (stop mid-epoch) also truncates.
    view = reduce(view, step('s', 2, { ce: 3.9 }, 1));
    assert.deepStrictEqual(view.stages[0].loss.step, [1, 2]);
    assert.deepStrictEqual(view.stages[0].loss.terms.ce, [5, 3.9]);
  });

  it('keeps the run start time across a resume and records the end', () => {
    const start = (t: string): RunEvent => ({
      type: 'run-start',
      time: t,
      runId: 'r1',
      experiment: 'e',
      sourceFile: '/f.kd.json',
      backend: 'wasm',
      backendNotes: [],
      pid: 1,
      resumed: false,
    });
    let view = reduceAll(emptyView(), [
      start('2025-01-01T00:00:00Z'),
      { type: 'run-end', time: '2025-01-01T00:01:00Z', status: 'stopped' },
    ]);
    assert.strictEqual(view.run?.status, 'stopped');
    view = reduce(view, start('2025-01-01T00:05:00Z'));
    assert.strictEqual(view.run?.status, 'running');
    assert.strictEqual(view.run?.startedAt, '2025-01-01T00:00:00Z');
    assert.strictEqual(view.run?.endedAt, undefined);
  });

  it('bounds the log', () => {
    const logs: RunEvent[] = Array.from({ length: MAX_LOG_LINES + 15 }, (_, i) => ({
      type: 'log',
      time,
      level: 'info',
      message: `line ${i}`,
    }));
    const view = reduceAll(emptyView(), logs);
    assert.strictEqual(view.logs.length, MAX_LOG_LINES);
    assert.strictEqual(view.logs[view.logs.length - 1].message, `line ${MAX_LOG_LINES + 14}`);
    assert.strictEqual(view.logs[0].message, 'line 15');
  });

  it('lets the run’s own models event win over the describe output', () => {
    const described = withDescribedModels(emptyView(), {
      type: 'models',
      time,
      models: { student: tinySummary },
      links: [],
    });
    assert.strictEqual(described.modelsFrom, 'describe');
    const run = reduce(described, {
      type: 'models',
      time,
      models: { student: { ...tinySummary, params: 99 } },
      links: [],
    });
    assert.strictEqual(run.models.student.params, 99);
    const late = withDescribedModels(run, { type: 'models', time, models: { student: tinySummary }, links: [] });
    assert.strictEqual(late.models.student.params, 99);
    assert.strictEqual(late.describe.status, 'done');
  });

  it('picks the product and the stage to chart', () => {
    const metrics = (stage: string): ModelMetrics => ({
      stage,
      role: 'student',
      summary: tinySummary,
      best: { epoch: 1, val: 1, test: 1 },
      last: { epoch: 1, val: 1, test: 1 },
      latencyMs: 1,
    });
    let view = reduceAll(emptyView(), [
      step('teacher', 1, { ce: 1 }),
      { type: 'stage-end', time, stage: 'teacher', metrics: { ...metrics('teacher'), role: 'teacher' } },
      step('student', 1, { ce: 1 }),
    ]);
    assert.strictEqual(productStage(view), 'student');
    assert.strictEqual(defaultChartStage(view), 'student');
    view = reduce(view, { type: 'run-end', time, status: 'done' });
    assert.strictEqual(defaultChartStage(view), 'student');
  });
});
