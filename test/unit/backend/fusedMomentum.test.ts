// The one-pass momentum update must equal tf.MomentumOptimizer (plain and Nesterov) on wasm, where
// it runs in SIMD with a scalar remainder, follow a float64 hand computation, and keep its state.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/engine/backend/select';
import { FusedMomentumOptimizer } from '../../../src/engine/backend/fusedMomentum';
import { simdKernels, useSimdKernels } from '../../../src/engine/backend/simdKernels';
import { assertClose, trainQuadratic, values } from './helpers';

describe('FusedMomentumOptimizer', function () {
  let previous: string;
  before(async () => {
    previous = tf.getBackend() ?? 'cpu';
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  afterEach(() => useSimdKernels(true));

  for (const nesterov of [false, true]) {
    it(`equals tf.MomentumOptimizer bit for bit over 25 steps on wasm (SIMD and its JavaScript fallback)${nesterov ? ' (Nesterov)' : ''}, and follows it on cpu`, async () => {
      for (const backend of ['wasm', 'wasm-js', 'cpu'] as const) {
        await selectBackend(backend === 'wasm-js' ? 'wasm' : backend);
        useSimdKernels(backend !== 'wasm-js');
        if (backend === 'wasm') assert.ok(simdKernels(tf.backend() as never), 'the SIMD kernels load on wasm');
        const reference = new tf.MomentumOptimizer(0.02, 0.9, nesterov);
        const fused = new FusedMomentumOptimizer(0.02, 0.9, nesterov);
        const expected = trainQuadratic(reference, 25);
        const got = trainQuadratic(fused, 25);
        // On wasm both round every operation to float32 in the same order: the same bits.
        expected.forEach((e, k) => assertClose(got[k], e, backend === 'cpu' ? 1e-6 : 0, `variable ${k} on ${backend}`));
        assert.ok(Math.abs(expected[0][0] - values(15, 1)[0]) > 0.05, 'the values moved');
        reference.dispose();
        fused.dispose();
      }
    });
  }

  it('follows a float64 hand computation of the update, with a remainder after the SIMD groups', async () => {
    await selectBackend('wasm');
    const n = 11;
    const start = values(n, 7);
    const grad = values(n, 8);
    const [lr, mu] = [0.1, 0.8];
    const v = tf.variable(tf.tensor1d(start));
    const g = tf.tensor1d(grad);
    const fused = new FusedMomentumOptimizer(lr, mu, true);
    const expected = Array.from(start, Number);
    const acc = new Array<number>(n).fill(0);
    for (let step = 0; step < 3; step++) {
      fused.applyGradients([{ name: v.name, tensor: g }]);
      for (let i = 0; i < n; i++) {
        acc[i] = mu * acc[i] + grad[i];
        expected[i] -= lr * (grad[i] + mu * acc[i]);
      }
    }
    assertClose(v.dataSync(), expected, 1e-5, 'value');
    const weights = await fused.getWeights();
    assert.strictEqual(weights.length, 2, 'iterations and one accumulation');
    assert.strictEqual(weights[0].tensor.dataSync()[0], 3);
    assertClose(weights[1].tensor.dataSync(), acc, 1e-5, 'accumulation');
    const count = tf.memory().numTensors;
    fused.applyGradients([{ name: v.name, tensor: g }]);
    assert.strictEqual(tf.memory().numTensors, count, 'a step frees what it makes');
    tf.dispose([v, g, weights[0].tensor]);
    fused.dispose();
  });
});
