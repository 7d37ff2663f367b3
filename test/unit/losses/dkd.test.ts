import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { createLossTerm, dkdLoss, dkdParts, dkdWarmupFactor, kdLoss } from '../../../src/engine/losses';
import { dkdRef, softmax } from './reference';
import { assertClose, checkGradient, oneHot, scalarOf, tensor, type Arr } from './numeric';

const student: Arr = { shape: [3, 4], data: [1.2, -0.3, 0.5, 2.0, -1.0, 0.0, 0.7, 0.1, 3.0, -2.0, 0.4, -0.6] };
const teacher: Arr = { shape: [3, 4], data: [2.5, -1.0, 0.0, 4.0, -0.5, -0.5, 3.0, 1.0, 6.0, -3.0, 1.0, 0.0] };
const labels = oneHot([3, 1, 0], 4);

const t2 = (a: Arr) => tensor(a) as tf.Tensor2D;

describe('losses: dkd', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('computes TCKD and NCKD as in the paper (binary target/rest KL and the KL among non-target classes, times T²)', () => {
    for (const T of [1, 4]) {
      const ref = dkdRef(student, teacher, labels, 1, 8, T);
      const [tckd, nckd] = tf.tidy(() => {
        const parts = dkdParts(t2(student), t2(teacher), t2(labels), T);
        return [parts.tckd.dataSync()[0], parts.nckd.dataSync()[0]];
      });
      assertClose(tckd, ref.tckd, 1e-5, `tckd T=${T}`);
      assertClose(nckd, ref.nckd, 1e-5, `nckd T=${T}`);
      assertClose(
        scalarOf(() => dkdLoss(t2(student), t2(teacher), t2(labels), 1, 8, T)),
        ref.total,
        1e-4,
        `total T=${T}`,
      );
    }
    assertClose(
      scalarOf(() => dkdLoss(t2(student), t2(teacher), t2(labels), 0.5, 2, 4)),
      dkdRef(student, teacher, labels, 0.5, 2, 4).total,
      1e-4,
    );
  });

  it('decomposes KD for one example: KD = TCKD + (1 − p_target of the teacher)·NCKD', () => {
    const s: Arr = { shape: [1, 4], data: student.data.slice(0, 4) };
    const t: Arr = { shape: [1, 4], data: teacher.data.slice(0, 4) };
    const y = oneHot([3], 4);
    const T = 2;
    const kd = scalarOf(() => kdLoss(t2(s), t2(t), T, true));
    const [tckd, nckd] = tf.tidy(() => {
      const parts = dkdParts(t2(s), t2(t), t2(y), T);
      return [parts.tckd.dataSync()[0], parts.nckd.dataSync()[0]];
    });
    const pTarget = softmax(t.data.map((v) => v / T))[3];
    assertClose(tckd + (1 - pTarget) * nckd, kd, 1e-5);
  });

  it('is zero when the student equals the teacher', () => {
    assertClose(
      scalarOf(() => dkdLoss(t2(teacher), t2(teacher), t2(labels), 1, 8, 4)),
      0,
      1e-5,
    );
  });

  it('has the gradient of the formula with respect to the student logits', () => {
    checkGradient(
      (s) => dkdLoss(s as tf.Tensor2D, t2(teacher), t2(labels), 1, 8, 4),
      (data) => dkdRef({ shape: student.shape, data }, teacher, labels, 1, 8, 4).total,
      student,
      1e-4,
    );
  });

  it('stays finite when the student is almost certain of the target class', () => {
    const sure: Arr = { shape: [1, 3], data: [60, 0, 0] };
    const value = scalarOf(() =>
      dkdLoss(t2(sure), t2({ shape: [1, 3], data: [1, 0.5, 0] }), t2(oneHot([0], 3)), 1, 8, 1),
    );
    assert.ok(Number.isFinite(value) && value > 0, `got ${value}`);
  });

  it('warms up linearly: min(epoch / warmupEpochs, 1)', () => {
    assert.deepStrictEqual(
      [1, 2, 5, 9].map((e) => dkdWarmupFactor(e, 5)),
      [0.2, 0.4, 1, 1],
    );
    assert.strictEqual(dkdWarmupFactor(1, 0), 1);
    const term = createLossTerm(
      { type: 'dkd', weight: 1, alpha: 1, beta: 8, temperature: 4, warmupEpochs: 5 },
      { teacherShapes: {}, studentShapes: {}, classes: 4, seed: 1 },
    );
    const at = (epoch: number) =>
      scalarOf(() =>
        term.compute({
          studentLogits: t2(student),
          teacherLogits: t2(teacher),
          labels: t2(labels),
          studentFeatures: {},
          teacherFeatures: {},
          epoch,
        }),
      );
    const full = dkdRef(student, teacher, labels, 1, 8, 4).total;
    assertClose(at(2), 0.4 * full, 1e-4);
    assertClose(at(5), full, 1e-4);
    assertClose(at(12), full, 1e-4);
    assert.strictEqual(term.name, 'dkd');
  });

  it('rejects invalid parameters with the loss named', () => {
    const ctx = { teacherShapes: {}, studentShapes: {}, classes: 4, seed: 1 };
    assert.throws(
      () => createLossTerm({ type: 'dkd', weight: 1, alpha: 1, beta: -1, temperature: 4, warmupEpochs: 5 }, ctx),
      /dkd: beta must be non-negative/,
    );
    assert.throws(
      () => createLossTerm({ type: 'dkd', weight: 1, alpha: 1, beta: 8, temperature: 4, warmupEpochs: NaN }, ctx),
      /dkd: warmupEpochs/,
    );
  });
});
