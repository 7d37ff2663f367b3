import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../../../src/engine/data/types';
import type { TrainedModel } from '../../../src/engine/run/context';
import { leadingTeacher } from '../../../src/engine/schemes/multiTeacher';
import {
  combineLogits,
  ensembleTeacher,
  normaliseWeights,
  teacherWeights,
} from '../../../src/engine/schemes/teacherEnsemble';
import type { TeacherSource } from '../../../src/engine/train/teacherOutputs';

const close = (a: number[], b: number[]) => {
  assert.strictEqual(a.length, b.length, `${a} vs ${b}: lengths differ`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `${a} vs ${b}`));
};

describe('multi-teacher combination (teacherEnsemble.ts)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('weights teachers equally, as given (normalised), or by validation accuracy', () => {
    close(teacherWeights('mean', 4, undefined, []), [0.25, 0.25, 0.25, 0.25]);
    close(teacherWeights('weights', 3, [2, 1, 1], []), [0.5, 0.25, 0.25]);
    close(teacherWeights('accuracy', 2, undefined, [0.9, 0.6]), [0.6, 0.4]);
    assert.throws(() => teacherWeights('weights', 3, [1, 1], []), /one weight per teacher \(3\), got 2/);
    assert.throws(() => teacherWeights('accuracy', 2, undefined, [0.9, null]), /validation split/);
    assert.throws(() => normaliseWeights([0, 0]), /all be zero/);
    assert.throws(() => normaliseWeights([1, -1]), /non-negative/);
  });

  it('averages logits with the weights (hand computation)', () => {
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const b = tf.tensor2d([
      [5, 0],
      [-1, 2],
    ]);
    const out = combineLogits([a, b], [0.75, 0.25]);
    close(Array.from(out.dataSync()), [0.75 * 1 + 0.25 * 5, 0.75 * 2, 0.75 * 3 - 0.25, 0.75 * 4 + 0.5]);
    tf.dispose([a, b, out]);
  });

  it('serves one combined batch and frees each teacher’s share', () => {
    let disposed = 0;
    const source = (value: number): TeacherSource => ({
      cached: true,
      forBatch: (batch) => ({ logits: tf.fill([batch.size, 3], value) as tf.Tensor2D, features: {} }),
      dispose: () => void disposed++,
    });
    const ensemble = ensembleTeacher([source(1), source(4)], [0.5, 0.5]);
    const batch: Batch = { x: new Float32Array(4), y: new Int32Array(2), indices: new Int32Array([0, 1]), size: 2 };
    const xs = tf.zeros([2, 2]);
    const before = tf.memory().numTensors;
    const out = ensemble.forBatch(batch, xs);
    close(Array.from(out.logits.dataSync()), [2.5, 2.5, 2.5, 2.5, 2.5, 2.5]);
    assert.strictEqual(tf.memory().numTensors, before + 1, 'only the combined logits remain');
    assert.ok(ensemble.cached);
    ensemble.dispose();
    assert.strictEqual(disposed, 2);
    tf.dispose([xs, out.logits]);
  });

  it('compares the student with the teacher of largest weight, ties broken on validation', () => {
    const teacher = (stage: string, val: number | null) =>
      ({ stage, metrics: { best: { val } } }) as unknown as TrainedModel;
    const teachers = [teacher('teacher-1', 0.8), teacher('teacher-2', 0.9), teacher('teacher-3', 0.7)];
    assert.strictEqual(leadingTeacher(teachers, [1 / 3, 1 / 3, 1 / 3]).stage, 'teacher-2');
    assert.strictEqual(leadingTeacher(teachers, [0.2, 0.3, 0.5]).stage, 'teacher-3');
  });
});
