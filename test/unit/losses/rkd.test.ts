import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import {
  angles,
  createLossTerm,
  normalizedDistances,
  rkdAngleLoss,
  rkdDistanceLoss,
  rkdLoss,
} from '../../../src/engine/losses';
import { rkdAngleRef, rkdDistanceRef } from './reference';
import { assertAllClose, assertClose, checkGradient, f32, randomArr, scalarOf, tensor, type Arr } from './numeric';

const m = (a: Arr) => tensor(a) as tf.Tensor2D;
const scaled = (a: Arr, k: number, shift = 0): Arr => ({ shape: a.shape, data: a.data.map((v) => k * v + shift) });

describe('losses: rkd (relational KD)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('normalises distances by their mean over distinct pairs and measures angles between difference vectors', () => {
    // A right isosceles triangle: legs 1 (from the origin), hypotenuse √2.
    const tri: Arr = { shape: [3, 2], data: [0, 0, 1, 0, 0, 1] };
    const mean = (1 + 1 + Math.SQRT2) / 3;
    const d = tf.tidy(() => Array.from(normalizedDistances(m(tri)).dataSync()));
    assertAllClose(
      d,
      [0, 1, 1, 1, 0, Math.SQRT2, 1, Math.SQRT2, 0].map((v) => v / mean),
      1e-6,
      0,
    );
    const a = tf.tidy(() => Array.from(angles(m(tri)).dataSync()));
    // At the origin (a = 0) the legs are perpendicular; at vertex 1, the angle between 0 and 2 is 45°.
    assertClose(a[0 * 9 + 1 * 3 + 2], 0, 1e-6, 'cos at the right angle');
    assertClose(a[1 * 9 + 0 * 3 + 2], Math.SQRT1_2, 1e-6, 'cos at 45°');
    assertClose(a[1 * 9 + 1 * 3 + 2], 0, 0, 'degenerate triplet');
  });

  it('matches the reference distance and angle losses (smooth L1, means over b² and b³ entries)', () => {
    const s = randomArr([5, 3], 1);
    const t = randomArr([5, 7], 2, -2, 2);
    assertClose(
      scalarOf(() => rkdDistanceLoss(m(s), m(t))),
      rkdDistanceRef(s, t),
      1e-6,
    );
    assertClose(
      scalarOf(() => rkdAngleLoss(m(s), m(t))),
      rkdAngleRef(s, t),
      1e-6,
    );
    assertClose(
      scalarOf(() => rkdLoss(m(s), m(t), 25, 50)),
      25 * rkdDistanceRef(s, t) + 50 * rkdAngleRef(s, t),
      1e-4,
    );
    assertClose(
      scalarOf(() => rkdLoss(m(s), m(t), 0, 50)),
      50 * rkdAngleRef(s, t),
      1e-4,
    );
  });

  it('uses the quadratic and the linear branch of smooth L1', () => {
    // Student distances nearly equal, teacher's very uneven: some normalised differences exceed 1.
    const s: Arr = { shape: [4, 1], data: [0, 1, 2, 3] };
    const t: Arr = { shape: [4, 1], data: [0, 0.1, 0.2, 30] };
    assertClose(
      scalarOf(() => rkdDistanceLoss(m(s), m(t))),
      rkdDistanceRef(s, t),
      1e-6,
    );
  });

  it('has the gradient of the formula with respect to the student embeddings', () => {
    const s = f32(randomArr([5, 3], 3));
    const t = randomArr([5, 4], 4);
    checkGradient(
      (x) => rkdDistanceLoss(x as tf.Tensor2D, m(t)),
      (data) => rkdDistanceRef({ shape: s.shape, data }, t),
      s,
      1e-5,
    );
    checkGradient(
      (x) => rkdAngleLoss(x as tf.Tensor2D, m(t)),
      (data) => rkdAngleRef({ shape: s.shape, data }, t),
      s,
      1e-5,
    );
  });

  it('is unchanged by scaling (and shifting) either embedding', () => {
    const s = randomArr([6, 4], 5);
    const t = randomArr([6, 3], 6);
    const d = scalarOf(() => rkdDistanceLoss(m(s), m(t)));
    const a = scalarOf(() => rkdAngleLoss(m(s), m(t)));
    assert.ok(d > 1e-3 && a > 1e-3);
    assertClose(
      scalarOf(() => rkdDistanceLoss(m(scaled(s, 3.7)), m(scaled(t, 3.7)))),
      d,
      1e-6,
      'both scaled',
    );
    assertClose(
      scalarOf(() => rkdDistanceLoss(m(scaled(s, 0.01, 5)), m(scaled(t, 40)))),
      d,
      1e-5,
      'each scaled and shifted',
    );
    assertClose(
      scalarOf(() => rkdAngleLoss(m(scaled(s, 12, -3)), m(t))),
      a,
      1e-5,
      'angles',
    );
  });

  it('is zero for identical embeddings, zero for a batch of one, and finite with repeated examples', () => {
    const s = randomArr([4, 3], 7);
    assertClose(
      scalarOf(() => rkdLoss(m(s), m(s), 25, 50)),
      0,
      1e-5,
    );
    assert.strictEqual(
      scalarOf(() => rkdLoss(m({ shape: [1, 3], data: [1, 2, 3] }), m({ shape: [1, 2], data: [1, 2] }), 25, 50)),
      0,
    );
    const repeated: Arr = { shape: [4, 3], data: [...s.data.slice(0, 6), ...s.data.slice(0, 6)] };
    const value = scalarOf(() => rkdLoss(m(repeated), m(s), 25, 50));
    assert.ok(Number.isFinite(value));
    assertClose(
      scalarOf(() => rkdAngleLoss(m(repeated), m(s))),
      rkdAngleRef(repeated, s),
      1e-5,
      'a repeated example gives zero angles, as the reference',
    );
    const grad = tf.tidy(() =>
      Array.from(
        tf
          .grad((x) => rkdLoss(x as tf.Tensor2D, m(s), 25, 50))(m(repeated))
          .dataSync(),
      ),
    );
    assert.ok(grad.every(Number.isFinite), 'finite gradient with repeated examples');
  });

  it('as a term, reads the logits by default or the named layers', () => {
    const ctx = { teacherShapes: { embed: [8] }, studentShapes: { embed: [4] }, classes: 3, seed: 1 };
    const onLogits = createLossTerm({ type: 'rkd', weight: 1, distanceWeight: 25, angleWeight: 50 }, ctx);
    assert.deepStrictEqual([onLogits.name, onLogits.teacherLayers, onLogits.studentLayers], ['rkd', [], []]);
    const s = randomArr([4, 3], 8);
    const t = randomArr([4, 3], 9);
    const value = scalarOf(() =>
      onLogits.compute({
        studentLogits: m(s),
        teacherLogits: m(t),
        labels: tf.zeros([4, 3]),
        studentFeatures: {},
        teacherFeatures: {},
        epoch: 1,
      }),
    );
    assertClose(value, 25 * rkdDistanceRef(s, t) + 50 * rkdAngleRef(s, t), 1e-4);
    const onLayers = createLossTerm(
      { type: 'rkd', weight: 1, teacherLayer: 'embed', studentLayer: 'embed', distanceWeight: 1, angleWeight: 2 },
      ctx,
    );
    assert.strictEqual(onLayers.name, 'rkd:embed->embed');
    assert.throws(
      () => createLossTerm({ type: 'rkd', weight: 1, teacherLayer: 'pool', distanceWeight: 1, angleWeight: 2 }, ctx),
      /rkd: teacher layer "pool" not found; available teacher layers: embed/,
    );
  });
});
