import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { createLossTerm, nstLoss } from '../../../src/engine/losses';
import { nstRef } from './reference';
import { assertClose, checkGradient, f32, randomArr, scalarOf, tensor, type Arr } from './numeric';

const map4 = (a: Arr) => tensor(a) as tf.Tensor4D;

describe('losses: nst (neuron selectivity transfer)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('equals the polynomial-kernel MMD² between normalised channel maps, per example', () => {
    // One example, one channel each, 2 positions: s = (1, 0), t = (1, 1)/√2; k(s,t) = 1/2, k(s,s) = k(t,t) = 1.
    const s: Arr = { shape: [1, 1, 2, 1], data: [3, 0] };
    const t: Arr = { shape: [1, 1, 2, 1], data: [2, 2] };
    assertClose(
      scalarOf(() => nstLoss(map4(s), map4(t))),
      1 + 1 - 2 * 0.5,
      1e-6,
    );
    const sr = randomArr([2, 4, 4, 3], 1);
    const tr = randomArr([2, 2, 2, 5], 2);
    assertClose(
      scalarOf(() => nstLoss(map4(sr), map4(tr))),
      nstRef(sr, tr),
      1e-6,
    );
  });

  it('has the gradient of the formula with respect to the student map', () => {
    const s = f32(randomArr([2, 3, 3, 3], 3));
    const t = randomArr([2, 3, 3, 4], 4);
    checkGradient(
      (x) => nstLoss(x as tf.Tensor4D, map4(t)),
      (data) => nstRef({ shape: s.shape, data }, t),
      s,
    );
  });

  it('is zero for the same map and does not depend on the order or scale of channels', () => {
    const s = randomArr([2, 3, 3, 3], 5);
    assertClose(
      scalarOf(() => nstLoss(map4(s), map4(s))),
      0,
      1e-6,
    );
    const t = randomArr([2, 3, 3, 4], 6);
    const base = scalarOf(() => nstLoss(map4(s), map4(t)));
    assert.ok(base > 1e-3);
    const reordered: Arr = {
      shape: s.shape,
      data: s.data.map((_, i) => s.data[i - (i % 3) + [2, 0, 1][i % 3]] * [1, 5, 0.2][i % 3]),
    };
    assertClose(
      scalarOf(() => nstLoss(map4(reordered), map4(t))),
      base,
      1e-6,
    );
  });

  it('as a term, validates that both layers are feature maps', () => {
    const ctx = { teacherShapes: { t: [3, 3, 4], fc: [8] }, studentShapes: { s: [3, 3, 3] }, classes: 2, seed: 1 };
    assert.strictEqual(
      createLossTerm({ type: 'nst', weight: 50, teacherLayer: 't', studentLayer: 's' }, ctx).name,
      'nst:t->s',
    );
    assert.throws(
      () => createLossTerm({ type: 'nst', weight: 50, teacherLayer: 'fc', studentLayer: 's' }, ctx),
      /nst: teacher layer "fc" has output shape \[8\]/,
    );
    assert.throws(
      () => createLossTerm({ type: 'nst', weight: 50, teacherLayer: 't', studentLayer: 'q' }, ctx),
      /nst: student layer "q" not found; available student layers: s/,
    );
  });
});
