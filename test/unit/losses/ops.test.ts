import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { adaptiveAvgPool, adaptivePoolMatrix, matchSpatial } from '../../../src/engine/losses/ops';
import { adaptivePoolRef } from './reference';
import { assertAllClose, checkGradient, randomArr, tensor } from './numeric';

describe('losses: spatial matching by adaptive average pooling', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('builds PyTorch adaptive-pool bins: 5 → 3 averages cells {0,1}, {1,2,3}, {3,4}', () => {
    const m = adaptivePoolMatrix(5, 3);
    assert.deepStrictEqual(
      m.map((row) => row.map((v) => Math.round(v * 1000) / 1000)),
      [
        [0.5, 0.5, 0, 0, 0],
        [0, 0.333, 0.333, 0.333, 0],
        [0, 0, 0, 0.5, 0.5],
      ],
    );
  });

  it('pools integer and non-integer ratios like adaptive_avg_pool2d', () => {
    const x = randomArr([2, 6, 5, 3], 11);
    for (const [h, w] of [
      [3, 5],
      [2, 5],
      [4, 3],
      [1, 1],
      [6, 5],
    ] as const) {
      const out = tf.tidy(() => Array.from(adaptiveAvgPool(tensor(x) as tf.Tensor4D, h, w).dataSync()));
      assertAllClose(out, adaptivePoolRef(x, h, w).data, 1e-6, 1e-6, `${h}×${w}`);
    }
    assert.throws(() => tf.tidy(() => adaptiveAvgPool(tensor(x) as tf.Tensor4D, 7, 5)), /cannot pool/);
  });

  it('pools each axis of the larger map down to the smaller one and passes gradients back', () => {
    const a = randomArr([1, 6, 3, 2], 2);
    const b = randomArr([1, 4, 5, 2], 3);
    const [pa, pb] = tf.tidy(() =>
      matchSpatial(tensor(a) as tf.Tensor4D, tensor(b) as tf.Tensor4D).map((t) => ({
        shape: t.shape,
        data: Array.from(t.dataSync()),
      })),
    );
    assert.deepStrictEqual(pa.shape, [1, 4, 3, 2]);
    assert.deepStrictEqual(pb.shape, [1, 4, 3, 2]);
    assertAllClose(pa.data, adaptivePoolRef(a, 4, 3).data, 1e-6, 1e-6);
    assertAllClose(pb.data, adaptivePoolRef(b, 4, 3).data, 1e-6, 1e-6);
    const weights = randomArr([1, 4, 3, 2], 4).data;
    checkGradient(
      (x) => tf.sum(tf.mul(adaptiveAvgPool(x as tf.Tensor4D, 4, 3), tf.tensor(weights, [1, 4, 3, 2]))) as tf.Scalar,
      (data) => adaptivePoolRef({ shape: b.shape, data }, 4, 3).data.reduce((s, v, i) => s + v * weights[i], 0),
      b,
    );
  });
});
