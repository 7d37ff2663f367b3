// The one-pass Adam must follow tf.AdamOptimizer step for step, and keep state it can read back.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/engine/backend/select';
import { FusedAdamOptimizer } from '../../../src/engine/backend/fusedAdam';
import { assertClose, values } from './helpers';

/**
 * Trains two variables on a fixed quadratic-plus-cross-term loss, alternating the two ways
 * gradients reach an optimizer (minimize with a variable list passes an array; variableGrads a
 * map); returns their final values.
 */
function train(optimizer: tf.Optimizer, steps: number): Float32Array[] {
  const a = tf.variable(tf.tensor2d(values(12, 1), [3, 4]), true, `a_${optimizer.constructor.name}_${Math.random()}`);
  const b = tf.variable(tf.tensor1d(values(4, 2)), true, `b_${optimizer.constructor.name}_${Math.random()}`);
  const target = tf.tensor2d(values(12, 3), [3, 4]);
  const loss = () =>
    tf.add(tf.sum(tf.square(tf.sub(tf.add(a, b), target))), tf.mul(0.3, tf.sum(tf.mul(a, a)))) as tf.Scalar;
  for (let i = 0; i < steps; i++) {
    if (i % 2 === 0) {
      optimizer.minimize(loss, false, [a, b]);
    } else {
      const { value, grads } = tf.variableGrads(loss, [a, b]);
      optimizer.applyGradients(grads);
      tf.dispose([value, ...Object.values(grads)]);
    }
  }
  const out = [a.dataSync() as Float32Array, b.dataSync() as Float32Array].map((v) => Float32Array.from(v));
  tf.dispose([a, b, target]);
  return out;
}

describe('FusedAdamOptimizer', function () {
  let previous: string;
  before(async () => {
    previous = tf.getBackend() ?? 'cpu';
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`follows tf.AdamOptimizer over 25 steps on ${backend}`, async () => {
      await selectBackend(backend);
      const reference = new tf.AdamOptimizer(0.05, 0.9, 0.999, 1e-7);
      const fused = new FusedAdamOptimizer(0.05, 0.9, 0.999, 1e-7);
      const expected = train(reference, 25);
      const got = train(fused, 25);
      assertClose(got[0], expected[0], 1e-5, 'a');
      assertClose(got[1], expected[1], 1e-5, 'b');
      // The values moved: the comparison is not between two untouched variables.
      assert.ok(Math.abs(expected[0][0] - values(12, 1)[0]) > 0.1);
      reference.dispose();
      fused.dispose();
    });
  }

  it('keeps the moment slots and iteration count that getWeights/setWeights read', async () => {
    await selectBackend('wasm');
    const fused = new FusedAdamOptimizer(0.05, 0.9, 0.999, 1e-7);
    train(fused, 3);
    const weights = await fused.getWeights();
    assert.strictEqual(weights.length, 1 + 2 * 2, 'iterations, then m and v for two variables');
    assert.strictEqual(weights[0].tensor.dataSync()[0], 3);
    assert.ok(weights[1].name.endsWith('/m') && weights[3].name.endsWith('/v'));
    // The first moment after three steps is not zero.
    assert.ok(Array.from(weights[1].tensor.dataSync()).some((v) => Math.abs(v) > 1e-4));
    const restored = new tf.AdamOptimizer(0.05, 0.9, 0.999, 1e-7);
    await restored.setWeights(weights.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
    assert.strictEqual(restored.iterations, 3);
    tf.dispose(weights[0].tensor);
    fused.dispose();
    restored.dispose();
  });

  it('frees the tensors of every step', async () => {
    await selectBackend('wasm');
    const fused = new FusedAdamOptimizer(0.05, 0.9, 0.999, 1e-7);
    const v = tf.variable(tf.tensor1d(values(5, 4)));
    fused.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
    const count = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) fused.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
    assert.strictEqual(tf.memory().numTensors, count);
    v.dispose();
    fused.dispose();
  });
});
