import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { ccLoss, correlationMatrix, createLossTerm } from '../../../src/engine/losses';
import { ccRef } from './reference';
import { assertAllClose, assertClose, checkGradient, f32, randomArr, scalarOf, tensor, type Arr } from './numeric';

const m = (a: Arr) => tensor(a) as tf.Tensor2D;

describe('losses: cc (correlation congruence)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('builds the Taylor-expanded Gaussian RBF correlation exp(−2γ)·Σ (2γ)^p/p!·(f_iᵀf_j)^p', () => {
    // Unit rows (1, 0) and (0, 2)/2: f_0ᵀf_1 = 0, self-similarity 1. γ = 0.4, P = 2.
    const c = tf.tidy(() => Array.from(correlationMatrix(m({ shape: [2, 2], data: [3, 0, 0, 2] })).dataSync()));
    const self = Math.exp(-0.8) * (1 + 0.8 + 0.32);
    const cross = Math.exp(-0.8);
    assertAllClose(c, [self, cross, cross, self], 1e-6, 0);
  });

  it('equals ‖C_t − C_s‖_F² / b², for embeddings of different widths', () => {
    const s = randomArr([5, 3], 1);
    const t = randomArr([5, 8], 2);
    assertClose(
      scalarOf(() => ccLoss(m(s), m(t))),
      ccRef(s, t),
      1e-7,
    );
    assertClose(
      scalarOf(() => ccLoss(m(s), m(t), 1, 4)),
      ccRef(s, t, 1, 4),
      1e-6,
    );
  });

  it('has the gradient of the formula with respect to the student embeddings', () => {
    const s = f32(randomArr([4, 3], 3));
    const t = randomArr([4, 5], 4);
    checkGradient(
      (x) => ccLoss(x as tf.Tensor2D, m(t)),
      (data) => ccRef({ shape: s.shape, data }, t),
      s,
      1e-6,
    );
  });

  it('is zero for identical embeddings and unchanged by rescaling an example', () => {
    const s = randomArr([4, 3], 5);
    const t = randomArr([4, 5], 6);
    assertClose(
      scalarOf(() => ccLoss(m(s), m(s))),
      0,
      1e-9,
    );
    const base = scalarOf(() => ccLoss(m(s), m(t)));
    assert.ok(base > 1e-4);
    const rescaled: Arr = { shape: s.shape, data: s.data.map((v, i) => (i < 3 ? 7 * v : v)) };
    assertClose(
      scalarOf(() => ccLoss(m(rescaled), m(t))),
      base,
      1e-7,
    );
  });

  it('as a term, reads the logits when no layer is named', () => {
    const term = createLossTerm(
      { type: 'cc', weight: 0.02 },
      { teacherShapes: {}, studentShapes: {}, classes: 3, seed: 1 },
    );
    assert.deepStrictEqual([term.name, term.needsTeacher], ['cc', true]);
    const s = randomArr([4, 3], 7);
    const t = randomArr([4, 3], 8);
    assertClose(
      scalarOf(() =>
        term.compute({
          studentLogits: m(s),
          teacherLogits: m(t),
          labels: tf.zeros([4, 3]),
          studentFeatures: {},
          teacherFeatures: {},
          epoch: 1,
        }),
      ),
      ccRef(s, t),
      1e-7,
    );
  });
});
