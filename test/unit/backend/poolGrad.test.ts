// The pooling gradients registered for wasm: against the cpu backend's kernels and against central
// finite differences of a pooling forward pass written here in float64.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/engine/backend/select';
import { registerWasmKernels } from '../../../src/engine/backend/wasmKernels';
import { assertClose, on, samePadding, values } from './helpers';

interface PoolCase {
  x: [number, number, number, number];
  size: number;
  stride: number;
  pad: 'same' | 'valid';
}

const CASES: PoolCase[] = [
  { x: [2, 8, 8, 6], size: 2, stride: 2, pad: 'valid' }, // LeNet-5's pools
  { x: [2, 7, 5, 3], size: 3, stride: 2, pad: 'same' }, // overlapping windows over padding
  { x: [1, 6, 6, 4], size: 3, stride: 1, pad: 'same' },
  { x: [1, 7, 7, 2], size: 3, stride: 2, pad: 'valid' },
];

function outSize(inSize: number, c: PoolCase): { before: number; out: number } {
  return c.pad === 'same'
    ? samePadding(inSize, c.size, c.stride)
    : { before: 0, out: Math.floor((inSize - c.size) / c.stride) + 1 };
}

/** Σ r · pool(x) in float64, pool from its definition (max over the window's pixels inside the image; average over the whole window). */
function weightedPool(c: PoolCase, kind: 'max' | 'avg', x: Float64Array, r: Float32Array): number {
  const [N, H, W, C] = c.x;
  const ph = outSize(H, c);
  const pw = outSize(W, c);
  let total = 0;
  let k = 0;
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < ph.out; oh++)
      for (let ow = 0; ow < pw.out; ow++)
        for (let ch = 0; ch < C; ch++, k++) {
          let acc = kind === 'max' ? -Infinity : 0;
          for (let i = 0; i < c.size; i++)
            for (let j = 0; j < c.size; j++) {
              const h = oh * c.stride - ph.before + i;
              const w = ow * c.stride - pw.before + j;
              if (h < 0 || h >= H || w < 0 || w >= W) continue;
              const v = x[((n * H + h) * W + w) * C + ch];
              acc = kind === 'max' ? Math.max(acc, v) : acc + v;
            }
          total += r[k] * (kind === 'max' ? acc : acc / (c.size * c.size));
        }
  return total;
}

function gradient(c: PoolCase, kind: 'max' | 'avg', x: Float32Array, r: Float32Array): tf.Tensor {
  const pool = (t: tf.Tensor4D) =>
    kind === 'max' ? tf.maxPool(t, c.size, c.stride, c.pad) : tf.avgPool(t, c.size, c.stride, c.pad);
  return tf.grad((t: tf.Tensor) => {
    const y = pool(t as tf.Tensor4D);
    return tf.sum(tf.mul(y, tf.tensor(r.subarray(0, y.size), y.shape)));
  })(tf.tensor(x, c.x));
}

describe('pooling gradients on wasm', function () {
  let previous: string;
  before(async () => {
    previous = tf.getBackend() ?? 'cpu';
    await selectBackend('wasm');
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  it('replaces the shipped MaxPoolGrad and AvgPoolGrad', () => {
    const report = registerWasmKernels();
    assert.ok(report.replaced.includes('MaxPoolGrad') && report.replaced.includes('AvgPoolGrad'));
  });

  for (const c of CASES) {
    for (const kind of ['max', 'avg'] as const) {
      it(`${kind} pool ${c.size}×${c.size}, stride ${c.stride}, ${c.pad}, x ${c.x.join('×')}: the cpu kernel's gradient${c.pad === 'valid' || kind === 'max' ? ' and finite differences' : ''}`, async () => {
        // Distinct values, so every window has one maximum and finite differences do not cross a tie.
        const n = c.x.reduce((a, b) => a * b, 1);
        const x = Float32Array.from(values(n, 11), (v, i) => v + i * 1e-3);
        const outCount = n; // more than enough weights for any output size
        const r = values(outCount, 12);
        const wasm = await on('wasm', () => gradient(c, kind, x, r));
        const cpu = await on('cpu', () => gradient(c, kind, x, r));
        await tf.setBackend('wasm');
        assertClose(wasm, cpu, 1e-6, 'against cpu');
        assert.ok(
          wasm.some((v) => v !== 0),
          'the gradient is not all zeros',
        );
        // TF.js's average-pool gradient divides by the whole window even where it overhangs the padding,
        // which its forward pass does not: finite differences hold for padding-free average pools only.
        if (kind === 'max' || c.pad === 'valid') {
          const x64 = Float64Array.from(x);
          const eps = 1e-4;
          const fd = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const keep = x64[i];
            x64[i] = keep + eps;
            const up = weightedPool(c, kind, x64, r);
            x64[i] = keep - eps;
            const down = weightedPool(c, kind, x64, r);
            x64[i] = keep;
            fd[i] = (up - down) / (2 * eps);
          }
          assertClose(wasm, fd, 1e-4, 'against finite differences');
        }
      });
    }
  }

  it('frees everything it does not return', async () => {
    const c = CASES[1];
    const x = tf.tensor(
      values(
        c.x.reduce((a, b) => a * b, 1),
        3,
      ),
      c.x,
    ) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 3, 2, 'same')))(x);
    assert.strictEqual(tf.memory().numTensors, before + 1);
    tf.dispose([g, x]);
  });
});
