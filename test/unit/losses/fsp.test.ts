import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { createLossTerm, fspLoss, fspMatrix } from '../../../src/engine/losses';
import type { LossContext } from '../../../src/engine/losses';
import { fspMatrixRef, fspRef } from './reference';
import { assertAllClose, assertClose, checkGradient, f32, randomArr, scalarOf, tensor, type Arr } from './numeric';

const map4 = (a: Arr) => tensor(a) as tf.Tensor4D;

const ctx: LossContext = {
  teacherShapes: { a: [4, 4, 2], b: [2, 2, 3], fc: [5], wide: [2, 2, 6] },
  studentShapes: { a: [4, 4, 2], b: [2, 2, 3], c: [4, 4, 3] },
  classes: 3,
  seed: 1,
};

describe('losses: fsp (flow of solution procedure)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('builds G = F1ᵀF2 / (h·w), pooling the larger map first', () => {
    // One position, F1 = (1, 2), F2 = (3): G = [[3], [6]].
    const g = tf.tidy(() =>
      Array.from(
        fspMatrix(map4({ shape: [1, 1, 1, 2], data: [1, 2] }), map4({ shape: [1, 1, 1, 1], data: [3] })).dataSync(),
      ),
    );
    assert.deepStrictEqual(g, [3, 6]);
    const f1 = randomArr([2, 4, 4, 2], 1);
    const f2 = randomArr([2, 2, 2, 3], 2);
    const out = tf.tidy(() => Array.from(fspMatrix(map4(f1), map4(f2)).dataSync()));
    assertAllClose(out, fspMatrixRef(f1, f2).flat(2), 1e-6, 1e-6);
  });

  it('equals the mean squared difference of the FSP matrices', () => {
    const s: [Arr, Arr] = [randomArr([2, 4, 4, 2], 3), randomArr([2, 2, 2, 3], 4)];
    const t: [Arr, Arr] = [randomArr([2, 4, 4, 2], 5), randomArr([2, 2, 2, 3], 6)];
    assertClose(
      scalarOf(() => fspLoss([map4(s[0]), map4(s[1])], [map4(t[0]), map4(t[1])])),
      fspRef(s, t),
      1e-7,
    );
    assertClose(
      scalarOf(() => fspLoss([map4(t[0]), map4(t[1])], [map4(t[0]), map4(t[1])])),
      0,
      1e-9,
    );
  });

  it('has the gradient of the formula with respect to both student maps', () => {
    const s0 = f32(randomArr([2, 4, 4, 2], 7));
    const s1 = f32(randomArr([2, 2, 2, 3], 8));
    const t: [Arr, Arr] = [randomArr([2, 4, 4, 2], 9), randomArr([2, 2, 2, 3], 10)];
    const teacher = (): [tf.Tensor4D, tf.Tensor4D] => [map4(t[0]), map4(t[1])];
    checkGradient(
      (x) => fspLoss([x as tf.Tensor4D, map4(s1)], teacher()),
      (data) => fspRef([{ shape: s0.shape, data }, s1], t),
      s0,
      1e-6,
    );
    checkGradient(
      (x) => fspLoss([map4(s0), x as tf.Tensor4D], teacher()),
      (data) => fspRef([s0, { shape: s1.shape, data }], t),
      s1,
      1e-6,
    );
  });

  it('as a term, pairs the layers in order and checks channels and ranks', () => {
    const term = createLossTerm({ type: 'fsp', weight: 50, teacherLayers: ['a', 'b'], studentLayers: ['a', 'b'] }, ctx);
    assert.deepStrictEqual(
      [term.name, term.teacherLayers, term.studentLayers],
      ['fsp:a,b->a,b', ['a', 'b'], ['a', 'b']],
    );
    assert.throws(
      () => createLossTerm({ type: 'fsp', weight: 50, teacherLayers: ['a', 'wide'], studentLayers: ['a', 'b'] }, ctx),
      /fsp: teacher layer "wide" has 6 channels but student layer "b" has 3/,
    );
    assert.throws(
      () => createLossTerm({ type: 'fsp', weight: 50, teacherLayers: ['a', 'fc'], studentLayers: ['a', 'b'] }, ctx),
      /fsp: teacher layer "fc" has output shape \[5\]; an FSP matrix needs a feature map/,
    );
    assert.throws(
      () => createLossTerm({ type: 'fsp', weight: 50, teacherLayers: ['a', 'b'], studentLayers: ['a', 'z'] }, ctx),
      /fsp: student layer "z" not found; available student layers: a, b, c/,
    );
  });
});
