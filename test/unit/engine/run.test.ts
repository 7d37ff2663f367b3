import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { runExperiment, experimentOfRun } from '../../../src/engine/run/runExperiment';
import { readEvents, readRun } from '../../../src/engine/store/runStore';
import type { RunEvent, StepEvent } from '../../../src/protocol/events';
import { syntheticExperiment, tempDir } from './fixtures';
import { loadDataset } from '../../../src/engine/data';
import { loadModel } from '../../../src/engine/models';
import { evaluate } from '../../../src/engine/train/evaluate';

function ofType<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

describe('offline distillation end to end (real TF.js, synthetic data)', function () {
  this.timeout(300000);

  it('trains teacher, distilled student and baseline, and writes a complete run store', async () => {
    const runsDir = tempDir();
    const streamed: RunEvent[] = [];
    const { runDir, summary } = await runExperiment(syntheticExperiment(), {
      runsDir,
      onEvent: (e) => streamed.push(e),
    });
    assert.strictEqual(summary.status, 'done', summary.error);
    for (const file of ['config.json', 'events.jsonl', 'summary.json', 'run.log'])
      assert.ok(fs.existsSync(path.join(runDir, file)), file);
    for (const stage of ['teacher', 'student', 'baseline']) {
      assert.ok(
        fs.existsSync(path.join(runDir, 'checkpoints', stage, 'best', 'model.json')),
        `${stage} best checkpoint`,
      );
      assert.ok(
        fs.existsSync(path.join(runDir, 'checkpoints', stage, 'last', 'model.json')),
        `${stage} last checkpoint`,
      );
    }
    const events = readEvents(runDir);
    assert.deepStrictEqual(
      events.map((e) => e.type),
      streamed.map((e) => e.type),
      'the file holds exactly the streamed events',
    );
    assert.strictEqual(events[0].type, 'run-start');
    assert.strictEqual(events[events.length - 1].type, 'run-end');
    assert.deepStrictEqual(
      ofType(events, 'stage-start').map((e) => e.stage),
      ['teacher', 'student', 'baseline'],
    );
    const studentSteps = ofType(events, 'step').filter((e: StepEvent) => e.stage === 'student');
    assert.ok(studentSteps.length > 0);
    for (const step of studentSteps) {
      assert.deepStrictEqual(Object.keys(step.losses).sort(), ['ce', 'kd']);
      assert.ok(Math.abs(step.losses.ce + step.losses.kd - step.total) < 1e-4, 'total is the sum of weighted terms');
    }
    assert.strictEqual(ofType(events, 'epoch').filter((e) => e.stage === 'student').length, 2);
    const models = ofType(events, 'models')[0];
    assert.deepStrictEqual(Object.keys(models.models).sort(), ['baseline', 'student', 'teacher']);

    assert.deepStrictEqual(Object.keys(summary.models).sort(), ['baseline', 'student', 'teacher']);
    assert.strictEqual(summary.product, 'student');
    const student = summary.models.student;
    const baseline = summary.models.baseline;
    assert.ok(student.best.test > 0.25, `student learned something: ${student.best.test}`);
    assert.strictEqual(summary.kdGain, student.best.test - baseline.best.test);
    assert.ok(summary.agreement !== undefined && summary.agreement >= 0 && summary.agreement <= 1);
    assert.ok(summary.klTeacherStudent !== undefined && summary.klTeacherStudent >= 0);
    assert.ok(summary.compressionRatio !== undefined && summary.compressionRatio > 1);
    assert.ok(student.latencyMs > 0);
    assert.strictEqual(readRun(runDir).status, 'done');
  });

  it('reports for "best" exactly the weights it exports (picked on validation)', async () => {
    const runsDir = tempDir();
    const experiment = syntheticExperiment({ baseline: false, train: { ...syntheticExperiment().train, epochs: 5 } });
    const { runDir, summary } = await runExperiment(experiment, { runsDir });
    assert.strictEqual(summary.status, 'done', summary.error);
    const dataset = await loadDataset(experiment.data, {
      baseDir: path.dirname(experiment.sourceFile),
      seed: experiment.seed,
    });
    for (const stage of ['teacher', 'student']) {
      const exported = await loadModel(path.join(runDir, 'checkpoints', stage, 'best', 'model.json'));
      const accuracy = evaluate(exported, dataset.test, dataset.inputShape).accuracy;
      assert.strictEqual(accuracy, summary.models[stage].best.test, `${stage}: exported weights score ${accuracy}`);
      const vals = ofType(readEvents(runDir), 'epoch')
        .filter((e) => e.stage === stage)
        .map((e) => e.valAcc as number);
      assert.strictEqual(
        summary.models[stage].best.val,
        Math.max(...vals),
        'the best epoch has the highest validation accuracy',
      );
      exported.dispose();
    }
  });

  it('gives the baseline the same initial weights and data order as the student (same seed)', async () => {
    const runsDir = tempDir();
    const experiment = syntheticExperiment({
      distill: { scheme: 'offline', cacheTeacher: true, losses: [{ type: 'ce', weight: 1 }] },
    });
    const { runDir, summary } = await runExperiment(experiment, { runsDir });
    assert.strictEqual(summary.status, 'done', summary.error);
    // With CE only, "distilled" student and baseline are the same training: identical losses step by step.
    const steps = ofType(readEvents(runDir), 'step');
    const student = steps.filter((s) => s.stage === 'student').map((s) => s.total);
    const baseline = steps.filter((s) => s.stage === 'baseline').map((s) => s.total);
    assert.strictEqual(student.length, baseline.length);
    student.forEach((v, i) => assert.ok(Math.abs(v - baseline[i]) < 1e-5, `step ${i}: ${v} vs ${baseline[i]}`));
  });

  it('stops cleanly with a checkpoint, then resumes without retraining finished stages', async () => {
    const runsDir = tempDir();
    let studentSteps = 0;
    const first = await runExperiment(syntheticExperiment({ baseline: false }), {
      runsDir,
      onEvent: (e) => {
        if (e.type === 'step' && e.stage === 'student') studentSteps++;
      },
      shouldStop: () => studentSteps >= 12,
    });
    assert.strictEqual(first.summary.status, 'stopped');
    assert.strictEqual(readRun(first.runDir).status, 'stopped');
    const state = JSON.parse(fs.readFileSync(path.join(first.runDir, 'checkpoints', 'student', 'state.json'), 'utf8'));
    assert.strictEqual(state.complete, false);
    assert.ok(fs.existsSync(path.join(first.runDir, 'checkpoints', 'student', 'last', 'model.json')));

    const before = readEvents(first.runDir).length;
    const second = await runExperiment(experimentOfRun(first.runDir), { runsDir, resumeDir: first.runDir });
    assert.strictEqual(second.summary.status, 'done', second.summary.error);
    const resumed = readEvents(first.runDir).slice(before);
    assert.strictEqual(resumed[0].type, 'run-start');
    assert.ok((resumed[0] as Extract<RunEvent, { type: 'run-start' }>).resumed);
    assert.deepStrictEqual(
      ofType(resumed, 'stage-start').map((e) => e.stage),
      ['student'],
      'the finished teacher is not retrained',
    );
    assert.ok(second.summary.models.teacher, 'the teacher metrics are carried over');
    assert.strictEqual(second.summary.models.student.last.epoch, 2);
    // The duration adds both parts, and the run started when its first part did.
    const parts = readEvents(first.runDir);
    const part = (from: number, to: number) => Date.parse(parts[to].time) - Date.parse(parts[from].time);
    const expected = part(0, before - 1) + Date.parse(second.summary.endedAt) - Date.parse(resumed[0].time);
    assert.ok(second.summary.durationMs >= first.summary.durationMs, `${second.summary.durationMs} ms`);
    assert.ok(Math.abs(second.summary.durationMs - expected) < 1000, `${second.summary.durationMs} vs ${expected}`);
    assert.strictEqual(second.summary.startedAt, parts[0].time);
  });

  it('keeps the tensor count flat across training steps', async () => {
    const runsDir = tempDir();
    const counts: number[] = [];
    await runExperiment(
      syntheticExperiment({
        baseline: false,
        teacher: undefined,
        distill: { scheme: 'offline', cacheTeacher: true, losses: [{ type: 'ce', weight: 1 }] },
        train: { ...syntheticExperiment().train, epochs: 3 },
      }),
      {
        runsDir,
        onEvent: (e) => {
          if (e.type === 'step') counts.push(tf.memory().numTensors);
        },
      },
    );
    // After the optimizer has created its slots, every step leaves the same number of tensors.
    const steady = counts.slice(3);
    assert.ok(steady.length > 10);
    assert.strictEqual(Math.max(...steady), Math.min(...steady), `tensor counts: ${steady.join(',')}`);
  });

  it('reports a failed run with its error and keeps its files', async () => {
    const runsDir = tempDir();
    const experiment = syntheticExperiment({ teacher: { load: path.join(tempDir(), 'missing', 'model.json') } });
    const { runDir, summary } = await runExperiment(experiment, { runsDir });
    assert.strictEqual(summary.status, 'failed');
    assert.match(summary.error ?? '', /model\.json/);
    assert.strictEqual(readRun(runDir).status, 'failed');
    assert.ok(fs.existsSync(path.join(runDir, 'config.json')));
  });
});
