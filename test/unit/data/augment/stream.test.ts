// The augmented stream in training: a pure function of (seed, epoch, example indices), the same
// after a stop and resume, the teacher fed exactly the student's augmented input, and a cached
// teacher output never served for an augmented batch.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { AugmentSpec, DataConfig, TrainConfig } from '../../../../src/engine/config/types';
import { loadDataset, type Dataset } from '../../../../src/engine/data';
import { trainingBatches } from '../../../../src/engine/data/trainingBatches';
import { createLossTerms } from '../../../../src/engine/losses';
import { buildModel } from '../../../../src/engine/models';
import { trainStage, trainStep } from '../../../../src/engine/train/stage';
import { cachedTeacher, liveTeacher, type TeacherSource } from '../../../../src/engine/train/teacherOutputs';
import { tempDir } from '../helpers';

const AUGMENT: AugmentSpec[] = [
  { type: 'randomCrop', padding: 1, fill: 'reflect' },
  { type: 'horizontalFlip' },
  { type: 'cutout', size: 2 },
  { type: 'mixup', alpha: 0.5 },
];

function dataConfig(augment: AugmentSpec[]): DataConfig {
  return {
    dataset: 'synthetic',
    shape: [6, 6, 1],
    classes: 3,
    trainSize: 40,
    testSize: 12,
    dataSeed: 2,
    validationSplit: 0,
    normalize: 'none',
    augment,
  };
}

const TRAIN: TrainConfig = {
  epochs: 2,
  batchSize: 8,
  optimizer: { type: 'momentum', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
  schedule: { type: 'cosine', minLr: 0 },
};

function arrays(dataset: Dataset, epoch: number, batchSize = 8): number[][] {
  return [...trainingBatches(dataset, batchSize, 5, epoch)].map((b) => Array.from(b.x));
}

function model(dataset: Dataset, hidden: number, seed: number): tf.LayersModel {
  return buildModel(
    { preset: 'mlp', hidden: [hidden] },
    { inputShape: dataset.inputShape, classes: dataset.classes, name: `m${seed}`, seed },
  ).model;
}

/** The live teacher, recording every input it is given. */
function recording(teacher: tf.LayersModel, seen: number[][]): TeacherSource {
  const live = liveTeacher(teacher, []);
  return {
    cached: false,
    forBatch(batch, xs) {
      seen.push(Array.from(xs.dataSync()));
      return live.forBatch(batch, xs);
    },
    dispose: () => undefined,
  };
}

describe('augmented training stream', function () {
  this.timeout(60000);
  let dataset: Dataset;
  before(async () => {
    await tf.setBackend('cpu');
    dataset = await loadDataset(dataConfig(AUGMENT), { baseDir: '.', seed: 5 });
  });

  it('is a pure function of seed, epoch and example: repeats, changes by epoch, ignores batch mates', async () => {
    assert.deepStrictEqual(arrays(dataset, 1), arrays(dataset, 1));
    assert.notDeepStrictEqual(arrays(dataset, 1), arrays(dataset, 2));
    const again = await loadDataset(dataConfig(AUGMENT), { baseDir: '.', seed: 5 });
    assert.deepStrictEqual(arrays(again, 2), arrays(dataset, 2), 'a second load (a second run) sees the same images');
    // Without the batch-mixing op, an example's image does not depend on its batch or batch size.
    const perExample = await loadDataset(dataConfig(AUGMENT.slice(0, 3)), { baseDir: '.', seed: 5 });
    const byIndex = (size: number) => {
      const out = new Map<number, string>();
      for (const b of trainingBatches(perExample, size, 5, 1))
        b.indices.forEach((row, i) => out.set(row, Array.from(b.x.subarray(i * 36, (i + 1) * 36)).join()));
      return out;
    };
    assert.deepStrictEqual(byIndex(8), byIndex(5));
    assert.ok(dataset.augment.length === 4 && perExample.augment.length === 3);
  });

  it('feeds the teacher exactly the tensor the student trains on, mixed images included', () => {
    const student = model(dataset, 6, 1);
    const teacher = model(dataset, 12, 2);
    const terms = createLossTerms(
      [
        { type: 'ce', weight: 0.5 },
        { type: 'kd', weight: 0.5, temperature: 4, scaleByTemperatureSquared: true },
      ],
      { teacherShapes: {}, studentShapes: {}, classes: 3, seed: 1 },
    );
    const studentInputs: number[][] = [];
    const tapped = new Proxy(student, {
      get(target, key, receiver) {
        if (key !== 'apply') return Reflect.get(target, key, receiver) as unknown;
        return (xs: tf.Tensor, kwargs: unknown) => {
          studentInputs.push(Array.from(xs.dataSync()));
          return target.apply(xs, kwargs as never);
        };
      },
    });
    const teacherInputs: number[][] = [];
    const source = recording(teacher, teacherInputs);
    const optimizer = tf.train.sgd(0.01);
    const batches = [...trainingBatches(dataset, 8, 5, 1)];
    for (const batch of batches)
      trainStep(
        tapped,
        [],
        student.trainableWeights.map((w) => w.read() as tf.Variable),
        optimizer,
        terms,
        source,
        batch,
        dataset,
        1,
        0,
      );
    assert.strictEqual(teacherInputs.length, batches.length);
    assert.deepStrictEqual(teacherInputs, studentInputs);
    assert.deepStrictEqual(
      teacherInputs,
      batches.map((b) => Array.from(b.x)),
    );
    assert.ok(
      batches.every((b) => b.targets),
      'mixup gave soft labels',
    );
  });

  it('refuses a cached teacher output for an augmented batch', () => {
    const student = model(dataset, 6, 1);
    const teacher = model(dataset, 12, 2);
    const terms = createLossTerms([{ type: 'kd', weight: 1, temperature: 4, scaleByTemperatureSquared: true }], {
      teacherShapes: {},
      studentShapes: {},
      classes: 3,
      seed: 1,
    });
    const cached = cachedTeacher(teacher, [], dataset.train, dataset.inputShape);
    const batch = trainingBatches(dataset, 8, 5, 1).next().value;
    assert.ok(batch?.augmented);
    assert.throws(
      () => trainStep(student, [], [], tf.train.sgd(0.01), terms, cached, batch, dataset, 1, 0),
      /cached teacher output describes an un-augmented example/,
    );
  });

  it('continues the same augmented stream after a stop and resume', async () => {
    const teacher = model(dataset, 12, 2);
    const terms = () =>
      createLossTerms([{ type: 'kd', weight: 1, temperature: 4, scaleByTemperatureSquared: true }], {
        teacherShapes: {},
        studentShapes: {},
        classes: 3,
        seed: 1,
      });
    const run = async (dir: string, seen: number[][], stopAfter = Infinity) => {
      let steps = 0;
      return trainStage({
        stage: 'student',
        role: 'student',
        model: model(dataset, 6, 1),
        terms: terms(),
        teacher: recording(teacher, seen),
        dataset,
        train: TRAIN,
        seed: 5,
        checkpointDir: dir,
        emit: () => undefined,
        shouldStop: () => ++steps >= stopAfter,
      });
    };
    const whole: number[][] = [];
    await run(tempDir(), whole);
    const dir = tempDir();
    const first: number[][] = [];
    const stopped = await run(dir, first, 7);
    assert.ok(stopped.stopped);
    const resumed: number[][] = [];
    const finished = await run(dir, resumed);
    assert.ok(!finished.stopped);
    assert.deepStrictEqual(first, whole.slice(0, 7));
    assert.ok(resumed.length > 0 && resumed.length < whole.length);
    assert.deepStrictEqual(resumed, whole.slice(whole.length - resumed.length));
  });
});
