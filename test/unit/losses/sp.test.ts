import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { createLossTerm, similarityMatrix, spLoss } from '../../../src/engine/losses';
import { spRef } from './reference';
import { assertAllClose, assertClose, checkGradient, f32, randomArr, scalarOf, tensor, type Arr } from './numeric';

const m = (a: Arr) => tensor(a) as tf.Tensor2D;

describe('losses: sp (similarity-preserving)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('normalises each row of F·Fᵀ to unit length', () => {
    // Rows (1, 0) and (1, 1): F·Fᵀ = [[1, 1], [1, 2]].
    const g = tf.tidy(() => Array.from(similarityMatrix(m({ shape: [2, 2], data: [1, 0, 1, 1] })).dataSync()));
    assertAllClose(g, [Math.SQRT1_2, Math.SQRT1_2, 1 / Math.sqrt(5), 2 / Math.sqrt(5)], 1e-7, 0);
  });

  it('equals ‖G_t − G_s‖_F² / b² on feature maps flattened per example', () => {
    const s = randomArr([4, 2, 2, 3], 1);
    const t = randomArr([4, 10], 2);
    const flat: Arr = { shape: [4, 12], data: s.data };
    const term = createLossTerm(
      { type: 'sp', weight: 3000, teacherLayer: 'fc', studentLayer: 'conv' },
      { teacherShapes: { fc: [10] }, studentShapes: { conv: [2, 2, 3] }, classes: 3, seed: 1 },
    );
    assert.strictEqual(term.name, 'sp:fc->conv');
    const value = scalarOf(() =>
      term.compute({
        studentLogits: tf.zeros([4, 3]),
        labels: tf.zeros([4, 3]),
        studentFeatures: { conv: tensor(s) },
        teacherFeatures: { fc: tensor(t) },
        epoch: 1,
      }),
    );
    assertClose(value, spRef(flat, t), 1e-7);
  });

  it('has the gradient of the formula with respect to the student features', () => {
    const s = f32(randomArr([4, 5], 3));
    const t = randomArr([4, 3], 4);
    checkGradient(
      (x) => spLoss(x as tf.Tensor2D, m(t)),
      (data) => spRef({ shape: s.shape, data }, t),
      s,
      1e-6,
    );
  });

  it('is invariant to permuting features, zero for identical inputs and for a batch of one', () => {
    const s = randomArr([5, 4], 5);
    const t = randomArr([5, 6], 6);
    const base = scalarOf(() => spLoss(m(s), m(t)));
    assert.ok(base > 1e-3);
    const permuted: Arr = { shape: s.shape, data: s.data.map((_, i) => s.data[i - (i % 4) + [3, 1, 0, 2][i % 4]]) };
    assertClose(
      scalarOf(() => spLoss(m(permuted), m(t))),
      base,
      1e-7,
    );
    assertClose(
      scalarOf(() => spLoss(m(s), m(s))),
      0,
      1e-9,
    );
    assert.strictEqual(
      scalarOf(() => spLoss(m({ shape: [1, 2], data: [1, 2] }), m({ shape: [1, 3], data: [4, 5, 6] }))),
      0,
    );
  });
});
