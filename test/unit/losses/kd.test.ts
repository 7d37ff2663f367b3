import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { createLossTerm, kdLoss } from '../../../src/engine/losses';
import { kdRef, softmax } from './reference';
import { assertAllClose, assertClose, checkGradient, oneHot, rows, scalarOf, tensor, type Arr } from './numeric';

const student: Arr = { shape: [3, 4], data: [1.2, -0.3, 0.5, 2.0, -1.0, 0.0, 0.7, 0.1, 3.0, -2.0, 0.4, -0.6] };
const teacher: Arr = { shape: [3, 4], data: [2.5, -1.0, 0.0, 4.0, -0.5, -0.5, 3.0, 1.0, 6.0, -3.0, 1.0, 0.0] };

const kd = (s: Arr | tf.Tensor, t: Arr, T: number, scale: boolean) =>
  kdLoss((s instanceof tf.Tensor ? s : tensor(s)) as tf.Tensor2D, tensor(t) as tf.Tensor2D, T, scale);

describe('losses: kd', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('equals KL(softmax(t/T) ‖ softmax(s/T)) averaged over the batch', () => {
    for (const T of [1, 4, 20])
      assertClose(
        scalarOf(() => kd(student, teacher, T, false)),
        kdRef(student, teacher, T, false),
        1e-5,
        `T=${T}`,
      );
    assertClose(
      scalarOf(() => kd(student, teacher, 4, true)),
      kdRef(student, teacher, 4, true),
      1e-4,
    );
  });

  it('is multiplied by exactly T² when scaleByTemperatureSquared', () => {
    const plain = scalarOf(() => kd(student, teacher, 3, false));
    const scaled = scalarOf(() => kd(student, teacher, 3, true));
    assert.ok(plain > 0);
    assertClose(scaled / plain, 9, 1e-5);
  });

  it('is zero when the student logits equal the teacher logits, and positive otherwise', () => {
    assertClose(
      scalarOf(() => kd(teacher, teacher, 4, true)),
      0,
      1e-6,
    );
    assert.ok(scalarOf(() => kd(student, teacher, 4, true)) > 1e-3);
  });

  it('has the gradient of the formula, (softmax(s/T) − softmax(t/T))·T / B with T², and none towards the teacher', () => {
    const T = 4;
    checkGradient(
      (s) => kd(s, teacher, T, true),
      (data) => kdRef({ shape: student.shape, data }, teacher, T, true),
      student,
    );
    const expected = rows(student).flatMap((s, b) => {
      const q = softmax(s.map((v) => v / T));
      const p = softmax(rows(teacher)[b].map((v) => v / T));
      return q.map((qi, k) => ((qi - p[k]) * T) / 3);
    });
    const grad = tf.tidy(() =>
      Array.from(
        tf
          .grad((s) => kd(s, teacher, T, true))(tensor(student))
          .dataSync(),
      ),
    );
    assertAllClose(grad, expected, 1e-6, 1e-5, 'closed-form gradient');
    const towardsTeacher = tf.tidy(() =>
      Array.from(
        tf
          .grad((t) => kdLoss(tensor(student) as tf.Tensor2D, t as tf.Tensor2D, T, true))(tensor(teacher))
          .dataSync(),
      ),
    );
    assert.deepStrictEqual(towardsTeacher, new Array(12).fill(0));
  });

  it('stays finite for very large logits (log-softmax on both sides)', () => {
    const big: Arr = { shape: [1, 3], data: [1000, -1000, 0] };
    const other: Arr = { shape: [1, 3], data: [-1000, 1000, 0] };
    const value = scalarOf(() => kd(big, other, 1, false));
    // softmax(other) puts all mass on class 1, where log q = −2000: the KL is 2000.
    assertClose(value, 2000, 1e-2);
  });

  it('as a term, reads the teacher logits and names a missing teacher', () => {
    const term = createLossTerm(
      { type: 'kd', weight: 0.9, temperature: 4, scaleByTemperatureSquared: true },
      { teacherShapes: {}, studentShapes: {}, classes: 4, seed: 1 },
    );
    assert.strictEqual(term.name, 'kd');
    assert.strictEqual(term.needsTeacher, true);
    const inputs = {
      studentLogits: tensor(student) as tf.Tensor2D,
      teacherLogits: tensor(teacher) as tf.Tensor2D,
      labels: tensor(oneHot([0, 1, 2], 4)) as tf.Tensor2D,
      studentFeatures: {},
      teacherFeatures: {},
      epoch: 1,
    };
    assertClose(
      scalarOf(() => term.compute(inputs)),
      kdRef(student, teacher, 4, true),
      1e-4,
    );
    assert.throws(() => term.compute({ ...inputs, teacherLogits: undefined }), /kd: needs teacher logits/);
    tf.dispose([inputs.studentLogits, inputs.teacherLogits, inputs.labels]);
    assert.throws(
      () =>
        createLossTerm(
          { type: 'kd', weight: 1, temperature: 0, scaleByTemperatureSquared: true },
          { teacherShapes: {}, studentShapes: {}, classes: 4, seed: 1 },
        ),
      /kd: temperature must be positive/,
    );
  });
});
