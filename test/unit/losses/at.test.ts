import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { atLoss, attentionMap, createLossTerm } from '../../../src/engine/losses';
import type { LossContext } from '../../../src/engine/losses';
import { atRef, attentionRef } from './reference';
import { assertAllClose, assertClose, checkGradient, f32, randomArr, scalarOf, tensor, type Arr } from './numeric';

const ctx: LossContext = {
  teacherShapes: { t1: [4, 4, 6], t2: [2, 2, 8], fc: [10] },
  studentShapes: { s1: [4, 4, 3], s2: [4, 4, 2], fc: [10] },
  classes: 10,
  seed: 1,
};

/** The same map with its channels in another order. */
function permuteChannels(x: Arr, order: number[]): Arr {
  const c = x.shape[3];
  const data = x.data.slice();
  for (let i = 0; i < x.data.length / c; i++) order.forEach((from, to) => (data[i * c + to] = x.data[i * c + from]));
  return { shape: x.shape, data };
}

const map4 = (a: Arr) => tensor(a) as tf.Tensor4D;

describe('losses: at (attention transfer)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('builds attention maps as the normalised channel mean of |F|^p', () => {
    const x: Arr = { shape: [1, 1, 2, 2], data: [3, -1, 0, 2] };
    // Position 0: (9 + 1)/2 = 5; position 1: (0 + 4)/2 = 2; normalised by √29.
    const q = tf.tidy(() => Array.from(attentionMap(map4(x), 2).dataSync()));
    assertAllClose(q, [5 / Math.sqrt(29), 2 / Math.sqrt(29)], 1e-7, 0);
    const x3 = randomArr([2, 3, 3, 4], 3);
    const q3 = tf.tidy(() => Array.from(attentionMap(map4(x3), 3).dataSync()));
    assertAllClose(q3, attentionRef(x3, 3).flat(), 1e-6, 1e-5, 'p = 3');
  });

  it('equals mean((Q_s − Q_t)²), pooling the larger map to the smaller size', () => {
    const s = randomArr([2, 4, 4, 3], 1);
    const t = randomArr([2, 4, 4, 6], 2);
    assertClose(
      scalarOf(() => atLoss(map4(s), map4(t), 2)),
      atRef(s, t, 2),
      1e-7,
    );
    const small = randomArr([2, 2, 2, 8], 3);
    assertClose(
      scalarOf(() => atLoss(map4(s), map4(small), 2)),
      atRef(s, small, 2),
      1e-7,
    );
    assertClose(
      scalarOf(() => atLoss(map4(s), map4(t), 1)),
      atRef(s, t, 1),
      1e-7,
    );
  });

  it('has the gradient of the formula with respect to the student map', () => {
    const s = f32(randomArr([2, 4, 4, 3], 4));
    const t = randomArr([2, 2, 2, 8], 5);
    // AT values are small (squared differences of unit vectors over 16 positions): a tight absolute tolerance.
    checkGradient(
      (x) => atLoss(x as tf.Tensor4D, map4(t), 2),
      (data) => atRef({ shape: s.shape, data }, t, 2),
      s,
      1e-6,
      2e-3,
    );
    checkGradient(
      (x) => atLoss(x as tf.Tensor4D, map4(t), 3),
      (data) => atRef({ shape: s.shape, data }, t, 3),
      s,
      1e-6,
      2e-3,
    );
  });

  it('is invariant to permuting channels, and zero for the same map', () => {
    const s = randomArr([2, 4, 4, 3], 6);
    const t = randomArr([2, 4, 4, 6], 7);
    const base = scalarOf(() => atLoss(map4(s), map4(t), 2));
    assert.ok(base > 1e-4);
    assertClose(
      scalarOf(() => atLoss(map4(permuteChannels(s, [2, 0, 1])), map4(permuteChannels(t, [5, 3, 1, 0, 2, 4])), 2)),
      base,
      1e-8,
    );
    assertClose(
      scalarOf(() => atLoss(map4(s), map4(s), 2)),
      0,
      1e-9,
    );
  });

  it('as a term, averages its pairs and reports them in order', () => {
    const term = createLossTerm(
      {
        type: 'at',
        weight: 1000,
        p: 2,
        pairs: [
          { teacherLayer: 't1', studentLayer: 's1' },
          { teacherLayer: 't2', studentLayer: 's2' },
        ],
      },
      ctx,
    );
    assert.strictEqual(term.name, 'at:t1->s1,t2->s2');
    assert.deepStrictEqual(
      [term.teacherLayers, term.studentLayers],
      [
        ['t1', 't2'],
        ['s1', 's2'],
      ],
    );
    const f = {
      s1: randomArr([2, 4, 4, 3], 1),
      s2: randomArr([2, 4, 4, 2], 2),
      t1: randomArr([2, 4, 4, 6], 3),
      t2: randomArr([2, 2, 2, 8], 4),
    };
    const value = scalarOf(() =>
      term.compute({
        studentLogits: tf.zeros([2, 10]),
        labels: tf.zeros([2, 10]),
        studentFeatures: { s1: tensor(f.s1), s2: tensor(f.s2) },
        teacherFeatures: { t1: tensor(f.t1), t2: tensor(f.t2) },
        epoch: 1,
      }),
    );
    assertClose(value, (atRef(f.s1, f.t1, 2) + atRef(f.s2, f.t2, 2)) / 2, 1e-7);
  });

  it('rejects layers that are not feature maps, and unknown layers, by name', () => {
    assert.throws(
      () => createLossTerm({ type: 'at', weight: 1, p: 2, pairs: [{ teacherLayer: 'fc', studentLayer: 's1' }] }, ctx),
      /at: teacher layer "fc" has output shape \[10\]; attention transfer needs a feature map \[height, width, channels\]/,
    );
    assert.throws(
      () => createLossTerm({ type: 'at', weight: 1, p: 2, pairs: [{ teacherLayer: 't1', studentLayer: 'x' }] }, ctx),
      /at: student layer "x" not found; available student layers: s1, s2, fc/,
    );
    assert.throws(() => createLossTerm({ type: 'at', weight: 1, p: 2, pairs: [] }, ctx), /at: needs at least one/);
    assert.throws(
      () => createLossTerm({ type: 'at', weight: 1, p: 0.5, pairs: [{ teacherLayer: 't1', studentLayer: 's1' }] }, ctx),
      /at: p must be at least 1/,
    );
  });
});
