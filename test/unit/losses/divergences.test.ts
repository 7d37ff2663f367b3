// The logit divergences of LLM distillation (reverseKl, jsd, tvd) against float64 formulas written
// from probabilities, their gradients against finite differences, and GKD's β endpoints.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { createLossTerm, jsdLoss, kdLoss, reverseKlLoss, tvdLoss } from '../../../src/engine/losses';
import { jsdRef, kdRef, reverseKlRef, tvdRef } from './reference';
import { assertClose, checkGradient, oneHot, scalarOf, tensor, type Arr } from './numeric';

const student: Arr = { shape: [3, 4], data: [1.2, -0.3, 0.5, 2.0, -1.0, 0.0, 0.7, 0.1, 3.0, -2.0, 0.4, -0.6] };
const teacher: Arr = { shape: [3, 4], data: [2.5, -1.0, 0.0, 4.0, -0.5, -0.5, 3.0, 1.0, 6.0, -3.0, 1.0, 0.0] };
const s2 = (s: Arr | tf.Tensor) => (s instanceof tf.Tensor ? s : tensor(s)) as tf.Tensor2D;
const t2 = () => tensor(teacher) as tf.Tensor2D;
const ctx = { teacherShapes: {}, studentShapes: {}, classes: 4, seed: 1 };

describe('losses: reverseKl, jsd, tvd', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('reverseKl equals KL(softmax(s/T) ‖ softmax(t/T)), × T² when scaled, with the formula’s gradient', () => {
    for (const T of [1, 2, 5])
      for (const scale of [false, true])
        assertClose(
          scalarOf(() => reverseKlLoss(s2(student), t2(), T, scale)),
          reverseKlRef(student, teacher, T, scale),
          1e-4,
          `T=${T} scale=${scale}`,
        );
    checkGradient(
      (s) => reverseKlLoss(s2(s), t2(), 2, true),
      (data) => reverseKlRef({ shape: student.shape, data }, teacher, 2, true),
      student,
    );
  });

  it('reverseKl differs from forward KL (it is not symmetric) and is zero when the logits agree', () => {
    const reverse = scalarOf(() => reverseKlLoss(s2(student), t2(), 1, false));
    const forward = scalarOf(() => kdLoss(s2(student), t2(), 1, false));
    assert.ok(Math.abs(reverse - forward) > 1e-2, `reverse ${reverse} vs forward ${forward}`);
    assertClose(
      scalarOf(() => reverseKlLoss(s2(teacher), t2(), 3, true)),
      0,
      1e-6,
    );
  });

  it('jsd equals β·KL(P‖M) + (1−β)·KL(Q‖M) with M = β·P + (1−β)·Q for interior β, with its gradient', () => {
    for (const beta of [0.1, 0.5, 0.9])
      for (const T of [1, 3])
        assertClose(
          scalarOf(() => jsdLoss(s2(student), t2(), beta, T, true)),
          jsdRef(student, teacher, beta, T, true),
          1e-4,
          `β=${beta} T=${T}`,
        );
    for (const beta of [0.25, 0.5])
      checkGradient(
        (s) => jsdLoss(s2(s), t2(), beta, 2, true),
        (data) => jsdRef({ shape: student.shape, data }, teacher, beta, 2, true),
        student,
      );
  });

  it('jsd at β = 0 is forward KL (the kd loss) and at β = 1 reverse KL, as in GKD', () => {
    for (const T of [1, 4]) {
      assertClose(
        scalarOf(() => jsdLoss(s2(student), t2(), 0, T, true)),
        kdRef(student, teacher, T, true),
        1e-4,
        `β=0 T=${T}`,
      );
      assertClose(
        scalarOf(() => jsdLoss(s2(student), t2(), 1, T, true)),
        reverseKlRef(student, teacher, T, true),
        1e-4,
        `β=1 T=${T}`,
      );
    }
    checkGradient(
      (s) => jsdLoss(s2(s), t2(), 1, 1, false),
      (data) => jsdRef({ shape: student.shape, data }, teacher, 1, 1, false),
      student,
    );
  });

  it('jsd at β = 0.5 is the symmetric Jensen–Shannon divergence, bounded by log 2', () => {
    const value = scalarOf(() => jsdLoss(s2(student), t2(), 0.5, 1, false));
    const swapped = scalarOf(() =>
      jsdLoss(tensor(teacher) as tf.Tensor2D, tensor(student) as tf.Tensor2D, 0.5, 1, false),
    );
    assertClose(value, swapped, 1e-6, 'symmetry');
    assert.ok(value > 0 && value < Math.log(2));
  });

  it('jsd stays finite where one distribution underflows (log-sum-exp mixture)', () => {
    const big: Arr = { shape: [1, 3], data: [200, -200, 0] };
    const other: Arr = { shape: [1, 3], data: [-200, 200, 0] };
    const value = scalarOf(() => jsdLoss(tensor(big) as tf.Tensor2D, tensor(other) as tf.Tensor2D, 0.5, 1, false));
    // Two disjoint point masses: the Jensen–Shannon divergence reaches its maximum, log 2.
    assertClose(value, Math.log(2), 1e-5);
  });

  it('tvd equals ½·Σ|P − Q|, lies in [0, 1] unscaled, and has the formula’s gradient', () => {
    for (const T of [1, 2])
      assertClose(
        scalarOf(() => tvdLoss(s2(student), t2(), T, true)),
        tvdRef(student, teacher, T, true),
        1e-5,
        `T=${T}`,
      );
    const value = scalarOf(() => tvdLoss(s2(student), t2(), 1, false));
    assert.ok(value > 0 && value <= 1);
    checkGradient(
      (s) => tvdLoss(s2(s), t2(), 2, false),
      (data) => tvdRef({ shape: student.shape, data }, teacher, 2, false),
      student,
    );
  });

  it('as terms: named by type, read the teacher, validate β and T', () => {
    const inputs = {
      studentLogits: tensor(student) as tf.Tensor2D,
      teacherLogits: tensor(teacher) as tf.Tensor2D,
      labels: tensor(oneHot([0, 1, 2], 4)) as tf.Tensor2D,
      studentFeatures: {},
      teacherFeatures: {},
      epoch: 1,
    };
    const jsd = createLossTerm(
      { type: 'jsd', weight: 0.5, beta: 0.3, temperature: 2, scaleByTemperatureSquared: true },
      ctx,
    );
    assert.strictEqual(jsd.name, 'jsd');
    assert.strictEqual(jsd.needsTeacher, true);
    assertClose(
      scalarOf(() => jsd.compute(inputs)),
      jsdRef(student, teacher, 0.3, 2, true),
      1e-4,
    );
    for (const type of ['reverseKl', 'tvd'] as const) {
      const term = createLossTerm({ type, weight: 1, temperature: 1, scaleByTemperatureSquared: true }, ctx);
      assert.strictEqual(term.name, type);
      assert.throws(
        () => term.compute({ ...inputs, teacherLogits: undefined }),
        new RegExp(`${type}: needs teacher logits`),
      );
    }
    tf.dispose([inputs.studentLogits, inputs.teacherLogits, inputs.labels]);
    assert.throws(
      () => createLossTerm({ type: 'jsd', weight: 1, beta: 1.5, temperature: 1, scaleByTemperatureSquared: true }, ctx),
      /jsd: beta must be in \[0, 1\]/,
    );
    assert.throws(
      () => createLossTerm({ type: 'tvd', weight: 1, temperature: 0, scaleByTemperatureSquared: true }, ctx),
      /tvd: temperature must be positive/,
    );
  });
});
