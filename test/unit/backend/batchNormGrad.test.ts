// The one-pass batch-norm backward on wasm: every input's gradient against finite differences of
// the definition in float64, against the cpu backend's (TF.js's own) gradient, through tf.moments
// as a training-mode layer uses it, and without leaking tensors.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/engine/backend/select';
import { assertClose, on, values } from './helpers';

const SHAPE = [2, 3, 3, 4];
const C = 4;
const EPS = 1e-3;

interface Inputs {
  x: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  offset: Float32Array;
  scale: Float32Array;
  weights: Float32Array;
}

function inputs(): Inputs {
  const n = SHAPE.reduce((a, b) => a * b, 1);
  return {
    x: values(n, 3),
    mean: values(C, 4).map((v) => v * 0.5),
    variance: values(C, 5).map((v) => 0.5 + Math.abs(v)),
    offset: values(C, 6),
    scale: values(C, 7).map((v) => 1 + v),
    weights: values(n, 8),
  };
}

/** L = Σ w · ((x − μ)/√(σ² + ε) · γ + β) in float64, straight from the definition. */
function loss(p: Record<keyof Inputs, ArrayLike<number>>): number {
  let total = 0;
  for (let i = 0; i < p.x.length; i++) {
    const c = i % C;
    const y = ((p.x[i] - p.mean[c]) / Math.sqrt(p.variance[c] + EPS)) * p.scale[c] + p.offset[c];
    total += p.weights[i] * y;
  }
  return total;
}

function finiteDifference(p: Inputs, name: Exclude<keyof Inputs, 'weights'>): Float64Array {
  const h = 1e-4;
  const base = Float64Array.from(p[name]);
  const out = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const plus = Float64Array.from(base);
    const minus = Float64Array.from(base);
    plus[i] += h;
    minus[i] -= h;
    out[i] = (loss({ ...p, [name]: plus }) - loss({ ...p, [name]: minus })) / (2 * h);
  }
  return out;
}

const NAMES = ['x', 'mean', 'variance', 'offset', 'scale'] as const;

function gradients(p: Inputs): tf.Tensor {
  const t = (a: Float32Array, shape: number[]) => tf.tensor(a, shape);
  const g = tf.grads((x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, offset: tf.Tensor, scale: tf.Tensor) =>
    tf.sum(tf.mul(tf.batchNorm(x, mean, variance, offset, scale, EPS), t(p.weights, SHAPE))),
  );
  const grads = g([t(p.x, SHAPE), t(p.mean, [C]), t(p.variance, [C]), t(p.offset, [C]), t(p.scale, [C])]);
  return tf.concat(grads.map((d) => d.flatten()));
}

describe('batch-norm backward in one pass (wasm)', function () {
  let previous: string;
  before(async () => {
    previous = tf.getBackend() ?? 'cpu';
    await selectBackend('wasm');
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  it('gives every input the gradient of finite differences and of the cpu backend', async () => {
    const p = inputs();
    const wasm = await on('wasm', () => gradients(p));
    const cpu = await on('cpu', () => gradients(p));
    await tf.setBackend('wasm');
    assertClose(wasm, cpu, 1e-5, 'wasm vs cpu');
    let offset = 0;
    for (const name of NAMES) {
      const fd = finiteDifference(p, name);
      assertClose(wasm.subarray(offset, offset + fd.length), fd, 2e-3, `d/d${name} vs finite differences`);
      offset += fd.length;
    }
  });

  it('runs as one kernel in a training-mode layer, with the gradients of the cpu backend', async () => {
    const x = values(4 * 5 * 5 * 3, 9);
    const w = values(4 * 5 * 5 * 3, 10);
    const g = values(3, 11).map((v) => 1 + v);
    // What a training-mode batchNormalization layer computes: the batch's moments, then batchNorm.
    const grads = (backend: string) =>
      on(backend, () =>
        tf.grad((xi: tf.Tensor) => {
          const { mean, variance } = tf.moments(xi, [0, 1, 2]);
          const y = tf.batchNorm(xi, mean, variance, tf.zeros([3]), tf.tensor1d(g), 1e-5);
          return tf.sum(tf.mul(y, tf.tensor4d(w, [4, 5, 5, 3])));
        })(tf.tensor4d(x, [4, 5, 5, 3])),
      );
    await tf.setBackend('wasm');
    const profile = await tf.profile(() => {
      tf.dispose(
        tf.grads((xi: tf.Tensor) => {
          // Offset and scale given: the profiler reads every input's dtype.
          const { mean, variance } = tf.moments(xi, [0, 1, 2]);
          return tf.sum(tf.batchNorm(xi, mean, variance, tf.zeros([3]), tf.ones([3])));
        })([tf.tensor4d(x, [4, 5, 5, 3])]),
      );
    });
    const names = profile.kernels.map((k) => k.name);
    assert.ok(names.includes('KdFusedBatchNormGrad'), `the fused kernel ran (${names.join(', ')})`);
    assert.ok(!names.includes('Tile'), 'no Tile of the batch-norm gradient');
    assertClose(await grads('wasm'), await grads('cpu'), 1e-4, 'training-mode dx, wasm vs cpu');
  });

  it('frees everything it does not return', async () => {
    await tf.setBackend('wasm');
    const p = inputs();
    const before = tf.memory().numTensors;
    const dx = tf.tidy(() =>
      tf.grad((x: tf.Tensor) =>
        tf.sum(
          tf.batchNorm(
            x,
            tf.tensor1d(p.mean),
            tf.tensor1d(p.variance),
            tf.tensor1d(p.offset),
            tf.tensor1d(p.scale),
            EPS,
          ),
        ),
      )(tf.tensor(p.x, SHAPE)),
    );
    assert.strictEqual(tf.memory().numTensors, before + 1);
    dx.dispose();
  });
});
