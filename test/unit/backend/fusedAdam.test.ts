// The one-pass Adam must follow tf.AdamOptimizer step for step, and keep state it can read back.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/engine/backend/select';
import { FusedAdamOptimizer } from '../../../src/engine/backend/fusedAdam';
import { simdKernels, useSimdKernels } from '../../../src/engine/backend/simdKernels';
import { assertClose, trainQuadratic as train, values } from './helpers';

describe('FusedAdamOptimizer', function () {
  let previous: string;
  before(async () => {
    previous = tf.getBackend() ?? 'cpu';
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  afterEach(() => useSimdKernels(true));

  for (const backend of ['wasm', 'wasm-js', 'cpu'] as const) {
    it(`follows tf.AdamOptimizer over 25 steps on ${backend}`, async () => {
      await selectBackend(backend === 'wasm-js' ? 'wasm' : backend);
      // wasm-js: the JavaScript loop that runs where WebAssembly SIMD does not.
      useSimdKernels(backend !== 'wasm-js');
      if (backend === 'wasm') assert.ok(simdKernels(tf.backend() as never), 'the SIMD kernels load on wasm');
      const reference = new tf.AdamOptimizer(0.05, 0.9, 0.999, 1e-7);
      const fused = new FusedAdamOptimizer(0.05, 0.9, 0.999, 1e-7);
      const expected = train(reference, 25);
      const got = train(fused, 25);
      assertClose(got[0], expected[0], 1e-5, 'a');
      assertClose(got[1], expected[1], 1e-5, 'b');
      assertClose(got[2], expected[2], 1e-5, 'c');
      // The values moved: the comparison is not between two untouched variables.
      assert.ok(Math.abs(expected[0][0] - values(15, 1)[0]) > 0.1);
      reference.dispose();
      fused.dispose();
    });
  }

  it('keeps the moment slots and iteration count that getWeights/setWeights read', async () => {
    await selectBackend('wasm');
    const fused = new FusedAdamOptimizer(0.05, 0.9, 0.999, 1e-7);
    train(fused, 3);
    const weights = await fused.getWeights();
    assert.strictEqual(weights.length, 1 + 2 * 3, 'iterations, then m and v for three variables');
    assert.strictEqual(weights[0].tensor.dataSync()[0], 3);
    assert.ok(weights[1].name.endsWith('/m') && weights[4].name.endsWith('/v'));
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
