import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadExperimentFile } from '../../../src/engine/config';
import type { Experiment, ModelSpec } from '../../../src/engine/config/types';
import { runExperiment } from '../../../src/engine/run/runExperiment';
import type { StepEvent } from '../../../src/protocol/events';
import { tempDir } from '../engine/fixtures';

const ROOT = path.resolve(__dirname, '../../..');
const FOLDERS = ['examples', 'examples/methods'];
/** Steps per stage: enough to see a trend, few enough for a smoke test. */
const STEPS = 6;

function exampleFiles(): string[] {
  return FOLDERS.flatMap((folder) => {
    const dir = path.join(ROOT, folder);
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.kd.json'))
      .sort()
      .map((f) => path.join(dir, f));
  });
}

function quickModel<T extends ModelSpec | undefined>(spec: T): T {
  if (!spec || !spec.train) return spec;
  return { ...spec, train: { ...spec.train, epochs: 1, maxStepsPerEpoch: STEPS } };
}

/** The example as written, with one short epoch per stage and a small slice of its data. */
function quick(experiment: Experiment): Experiment {
  const { distill, data, train } = experiment;
  return {
    ...experiment,
    data: {
      ...data,
      trainLimit: Math.min(data.trainLimit ?? Infinity, 512),
      testLimit: Math.min(data.testLimit ?? Infinity, 128),
      ...(data.unlabeled
        ? { unlabeled: { ...data.unlabeled, trainLimit: Math.min(data.unlabeled.trainLimit ?? Infinity, 512) } }
        : {}),
    },
    teacher: quickModel(experiment.teacher),
    student: quickModel(experiment.student),
    distill: {
      ...distill,
      stages: distill.stages?.map((s) => ({ ...s, epochs: 1 })),
      peers: distill.peers?.map(quickModel),
      assistants: distill.assistants?.map(quickModel),
      teachers: distill.teachers?.map(quickModel),
    },
    train: { ...train, epochs: 1, maxStepsPerEpoch: STEPS },
  };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('examples load, validate and train a few steps', function () {
  this.timeout(600000);

  it('finds the examples of every method family', () => {
    const names = exampleFiles().map((f) => path.basename(f));
    for (const expected of [
      'online-dml.kd.json',
      'self-born-again.kd.json',
      'self-exits.kd.json',
      'teacher-assistant.kd.json',
      'multi-teacher.kd.json',
      'hint-fitnets.kd.json',
      'attention-transfer.kd.json',
      'relational-rkd.kd.json',
      'dkd.kd.json',
      'sp-cc-pkt.kd.json',
      'nst.kd.json',
      'fsp.kd.json',
    ]) {
      assert.ok(names.includes(expected), `${expected} is missing`);
    }
  });

  for (const file of exampleFiles()) {
    it(path.relative(ROOT, file), async () => {
      const loaded = await loadExperimentFile(file);
      assert.ok(loaded.experiments.length > 0);
      // Cells run in order in one runs folder, so `fromCell` finds the earlier cells' runs.
      const runsDir = tempDir();
      for (const experiment of loaded.experiments) {
        const steps: StepEvent[] = [];
        const { summary } = await runExperiment(quick(experiment), {
          runsDir,
          onEvent: (e) => void (e.type === 'step' && steps.push(e)),
        });
        assert.strictEqual(summary.status, 'done', `${experiment.name}: ${summary.error}`);
        assert.ok(summary.models[summary.product], `${experiment.name}: the product ${summary.product} has metrics`);
        const stages = [...new Set(steps.map((s) => s.stage))];
        assert.ok(stages.length > 0, `${experiment.name} trained`);
        for (const stage of stages) {
          const totals = steps.filter((s) => s.stage === stage).map((s) => s.total);
          assert.ok(totals.every(Number.isFinite), `${experiment.name}/${stage}: finite losses ${totals.join(', ')}`);
          const half = Math.floor(totals.length / 2);
          assert.ok(
            mean(totals.slice(-half)) < mean(totals.slice(0, half)),
            `${experiment.name}/${stage}: the loss decreases on average: ${totals.map((t) => t.toFixed(4)).join(', ')}`,
          );
        }
      }
    });
  }
});
