import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { conditionalProbabilities, createLossTerm, pktLoss } from '../../../src/engine/losses';
import { pktRef } from './reference';
import { assertAllClose, assertClose, checkGradient, f32, randomArr, scalarOf, tensor, type Arr } from './numeric';

const m = (a: Arr) => tensor(a) as tf.Tensor2D;

describe('losses: pkt (probabilistic knowledge transfer)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('turns cosine similarities into conditional probabilities P_ij = k_ij / Σ_j k_ij, k = (cos + 1)/2', () => {
    // (1, 0) and (0, 1): cosines 1 and 0, kernels 1 and 1/2.
    const p = tf.tidy(() => Array.from(conditionalProbabilities(m({ shape: [2, 2], data: [1, 0, 0, 1] })).dataSync()));
    assertAllClose(p, [2 / 3, 1 / 3, 1 / 3, 2 / 3], 1e-6, 0);
  });

  it('equals the mean over b² entries of P_t·log((P_t + ε)/(P_s + ε))', () => {
    const s = randomArr([5, 3], 1);
    const t = randomArr([5, 6], 2);
    assertClose(
      scalarOf(() => pktLoss(m(s), m(t))),
      pktRef(s, t),
      1e-7,
    );
  });

  it('has the gradient of the formula with respect to the student embeddings', () => {
    const s = f32(randomArr([4, 3], 3));
    const t = randomArr([4, 5], 4);
    checkGradient(
      (x) => pktLoss(x as tf.Tensor2D, m(t)),
      (data) => pktRef({ shape: s.shape, data }, t),
      s,
      1e-6,
    );
  });

  it('is zero for identical embeddings and for a rescaled copy', () => {
    const s = randomArr([4, 3], 5);
    assertClose(
      scalarOf(() => pktLoss(m(s), m(s))),
      0,
      1e-7,
    );
    assertClose(
      scalarOf(() => pktLoss(m({ shape: s.shape, data: s.data.map((v) => 4 * v) }), m(s))),
      0,
      1e-6,
    );
    assert.ok(scalarOf(() => pktLoss(m(s), m(randomArr([4, 3], 6)))) > 1e-4);
  });

  it('as a term, reads a named student layer and the teacher logits', () => {
    const term = createLossTerm(
      { type: 'pkt', weight: 30000, studentLayer: 'embed' },
      { teacherShapes: {}, studentShapes: { embed: [6] }, classes: 3, seed: 1 },
    );
    assert.deepStrictEqual([term.name, term.teacherLayers, term.studentLayers], ['pkt:logits->embed', [], ['embed']]);
    const s = randomArr([4, 6], 7);
    const t = randomArr([4, 3], 8);
    const value = scalarOf(() =>
      term.compute({
        studentLogits: tf.zeros([4, 3]),
        teacherLogits: m(t),
        labels: tf.zeros([4, 3]),
        studentFeatures: { embed: tensor(s) },
        teacherFeatures: {},
        epoch: 1,
      }),
    );
    assertClose(value, pktRef(s, t), 1e-7);
  });
});
