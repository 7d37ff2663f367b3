// The kernels registered for wasm: filter and depthwise gradients wasm lacks, the transposed
// products rerouted through XNNPACK, and convolutions' input gradients through one such product.
// Each is checked against a direct computation written here and against the cpu backend's kernel.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/engine/backend/select';
import { registerWasmKernels } from '../../../src/engine/backend/wasmKernels';
import { useSimdKernels } from '../../../src/engine/backend/simdKernels';
import { assertClose, on, samePadding, values } from './helpers';

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
}

/** dW[i,j,c,o] = Σ x[n, oh·s − top + i, ow·s − left + j, c] · dy[n, oh, ow, o], straight from the definition. */
function geometry(c: ConvCase): { ph: { before: number; out: number }; pw: { before: number; out: number } } {
  const [, H, W] = c.x;
  const [KH, KW] = c.filter;
  const ph = c.pad === 'same' ? samePadding(H, KH, c.stride) : { before: 0, out: Math.floor((H - KH) / c.stride) + 1 };
  const pw = c.pad === 'same' ? samePadding(W, KW, c.stride) : { before: 0, out: Math.floor((W - KW) / c.stride) + 1 };
  return { ph, pw };
}

function directFilterGradient(c: ConvCase, x: Float32Array, dy: Float32Array): Float32Array {
  const [N, H, W, C] = c.x;
  const [KH, KW, , O] = c.filter;
  const { ph, pw } = geometry(c);
  const dw = new Float32Array(KH * KW * C * O);
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < ph.out; oh++)
      for (let ow = 0; ow < pw.out; ow++)
        for (let i = 0; i < KH; i++)
          for (let j = 0; j < KW; j++) {
            const h = oh * c.stride - ph.before + i;
            const w = ow * c.stride - pw.before + j;
            if (h < 0 || h >= H || w < 0 || w >= W) continue;
            for (let ch = 0; ch < C; ch++)
              for (let o = 0; o < O; o++)
                dw[((i * KW + j) * C + ch) * O + o] +=
                  x[((n * H + h) * W + w) * C + ch] * dy[((n * ph.out + oh) * pw.out + ow) * O + o];
          }
  return dw;
}

/** dx[n,h,w,c] = Σ dy[n, oh, ow, o] · W[i, j, c, o] over the outputs whose field covers (h, w), from the definition. */
function directInputGradient(c: ConvCase, w: Float32Array, dy: Float32Array): Float32Array {
  const [N, H, W, C] = c.x;
  const [KH, KW, , O] = c.filter;
  const { ph, pw } = geometry(c);
  const dx = new Float32Array(N * H * W * C);
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < ph.out; oh++)
      for (let ow = 0; ow < pw.out; ow++)
        for (let i = 0; i < KH; i++)
          for (let j = 0; j < KW; j++) {
            const h = oh * c.stride - ph.before + i;
            const x = ow * c.stride - pw.before + j;
            if (h < 0 || h >= H || x < 0 || x >= W) continue;
            for (let ch = 0; ch < C; ch++)
              for (let o = 0; o < O; o++)
                dx[((n * H + h) * W + x) * C + ch] +=
                  w[((i * KW + j) * C + ch) * O + o] * dy[((n * ph.out + oh) * pw.out + ow) * O + o];
          }
  return dx;
}

function inputGradient(c: ConvCase, w: Float32Array, dy: Float32Array, dyShape: number[]): tf.Tensor {
  return tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dy, dyShape), filter: tf.tensor(w, c.filter) }, {
    strides: c.stride,
    pad: c.pad,
    dataFormat: 'NHWC',
    inputShape: c.x,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

function filterGradient(c: ConvCase, x: Float32Array, dy: Float32Array, dyShape: number[]): tf.Tensor {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(x, c.x), dy: tf.tensor(dy, dyShape) }, {
    strides: c.stride,
    pad: c.pad,
    dataFormat: 'NHWC',
    filterShape: c.filter,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

describe('wasm kernels', function () {
  let previous: string;
  before(async () => {
    previous = tf.getBackend() ?? 'cpu';
    await selectBackend('wasm');
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  it('registers the missing gradient kernels for wasm, and only once', () => {
    for (const name of [
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'UnsortedSegmentSum',
    ]) {
      assert.ok(tf.getKernel(name, 'wasm'), `${name} is registered`);
    }
    const first = registerWasmKernels();
    assert.strictEqual(registerWasmKernels(), first);
    assert.ok(first.replaced.includes('BatchMatMul'));
  });

  it('Identity and a same-dtype Cast share the data instead of copying it; the data outlives the original', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const buffers = tf.memory().numDataBuffers;
    const copy = tf.clone(x);
    const same = tf.engine().runKernel('Cast', { x }, { dtype: 'float32' }) as tf.Tensor;
    assert.strictEqual(tf.memory().numDataBuffers, buffers, 'no new buffer');
    x.dispose();
    assert.deepStrictEqual(Array.from(copy.dataSync()), [1, 2, 3]);
    same.dispose();
    assert.deepStrictEqual(Array.from(copy.dataSync()), [1, 2, 3]);
    copy.dispose();
    // A variable's clone keeps the old values when the variable is assigned new ones.
    const v = tf.variable(tf.tensor1d([4, 5]));
    const before = v.clone();
    v.assign(tf.tensor1d([6, 7]));
    assert.deepStrictEqual(Array.from(before.dataSync()), [4, 5]);
    assert.deepStrictEqual(Array.from(v.dataSync()), [6, 7]);
    // A cast to another dtype still converts.
    const ints = tf.cast(tf.tensor1d([1.7, -2.2]), 'int32');
    assert.deepStrictEqual(Array.from(ints.dataSync()), [1, -2]);
    tf.dispose([v, before, ints]);
  });

  it('UnsortedSegmentSum (the gradient of an embedding lookup) matches the definition and the cpu kernel', async () => {
    const x = values(6 * 4, 11);
    const ids = [3, 0, 3, 7, 1, 3]; // 7 is out of range and dropped
    const direct = new Float32Array(5 * 4);
    ids.forEach((id, r) => {
      if (id < 5) for (let k = 0; k < 4; k++) direct[id * 4 + k] += x[r * 4 + k];
    });
    const run = () => tf.unsortedSegmentSum(tf.tensor2d(x, [6, 4]), tf.tensor1d(ids, 'int32'), 5);
    const wasm = await on('wasm', run);
    assertClose(wasm, direct, 1e-6, 'wasm vs definition');
    assertClose(wasm, await on('cpu', run), 1e-6, 'wasm vs cpu');
    await tf.setBackend('wasm');
    const table = tf.tensor2d(values(5 * 3, 12), [5, 3]);
    const gradient = tf.grad((t: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf.gather(
            t,
            tf.tensor2d(
              [
                [1, 1],
                [4, 0],
              ],
              [2, 2],
              'int32',
            ),
          ),
          2,
        ),
      ),
    )(table);
    assert.deepStrictEqual(Array.from(await gradient.data()), [2, 2, 2, 4, 4, 4, 0, 0, 0, 0, 0, 0, 2, 2, 2]);
    tf.dispose([table, gradient]);
  });

  const convCases: ConvCase[] = [
    { x: [2, 7, 7, 1], filter: [3, 3, 1, 2], stride: 1, pad: 'valid' },
    { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' },
    { x: [3, 9, 8, 2], filter: [3, 2, 2, 3], stride: 2, pad: 'same' },
    { x: [2, 9, 9, 5], filter: [4, 4, 5, 2], stride: 2, pad: 'valid' },
    { x: [1, 10, 10, 17], filter: [5, 5, 17, 3], stride: 3, pad: 'same' },
    { x: [2, 6, 6, 4], filter: [1, 1, 4, 8], stride: 2, pad: 'same' },
  ];
  for (const c of convCases) {
    it(`Conv2DBackpropFilter matches the definition and the cpu kernel: x ${c.x.join('×')}, filter ${c.filter.join('×')}, stride ${c.stride}, ${c.pad}`, async () => {
      const x = values(
        c.x.reduce((a, b) => a * b, 1),
        11,
      );
      const { ph, pw } = geometry(c);
      const dyShape = [c.x[0], ph.out, pw.out, c.filter[3]];
      const dy = values(
        dyShape.reduce((a, b) => a * b, 1),
        23,
      );
      const expected = directFilterGradient(c, x, dy);
      const wasm = await on('wasm', () => filterGradient(c, x, dy, dyShape));
      const cpu = await on('cpu', () => filterGradient(c, x, dy, dyShape));
      await tf.setBackend('wasm');
      assertClose(wasm, expected, 1e-4, 'wasm vs definition');
      assertClose(cpu, expected, 1e-4, 'cpu vs definition');
    });
  }

  for (const c of [...convCases, { x: [2, 5, 5, 6], filter: [1, 1, 6, 4], stride: 1, pad: 'valid' } as ConvCase]) {
    it(`Conv2DBackpropInput matches the definition and the cpu kernel: x ${c.x.join('×')}, filter ${c.filter.join('×')}, stride ${c.stride}, ${c.pad}`, async () => {
      const w = values(
        c.filter.reduce((a, b) => a * b, 1),
        13,
      );
      const { ph, pw } = geometry(c);
      const dyShape = [c.x[0], ph.out, pw.out, c.filter[3]];
      const dy = values(
        dyShape.reduce((a, b) => a * b, 1),
        29,
      );
      const expected = directInputGradient(c, w, dy);
      const wasm = await on('wasm', () => inputGradient(c, w, dy, dyShape));
      const cpu = await on('cpu', () => inputGradient(c, w, dy, dyShape));
      await tf.setBackend('wasm');
      assertClose(wasm, expected, 1e-4, 'wasm vs definition');
      assertClose(cpu, expected, 1e-4, 'cpu vs definition');
    });
  }

  it('Conv2DBackpropInput adds slices of the batch when the columns exceed one buffer', async () => {
    // 8 examples × 48·48 outputs × 3·3·32 = 5.3 M floats of columns: over the 4 Mi budget, so two slices.
    const c: ConvCase = { x: [8, 48, 48, 32], filter: [3, 3, 32, 1], stride: 1, pad: 'same' };
    const w = values(3 * 3 * 32, 7);
    const dyShape = [8, 48, 48, 1];
    const dy = values(
      dyShape.reduce((a, b) => a * b, 1),
      8,
    );
    const wasm = await on('wasm', () => inputGradient(c, w, dy, dyShape));
    assertClose(wasm, directInputGradient(c, w, dy), 2e-4, 'sliced wasm vs definition');
  });

  it('Conv2DBackpropFilter sums slices of the batch when the columns exceed one buffer', async () => {
    // 8 examples × 48·48 outputs × 3·3·32 = 5.3 M floats of columns: over the 4 Mi budget, so two slices.
    const c: ConvCase = { x: [8, 48, 48, 32], filter: [3, 3, 32, 4], stride: 1, pad: 'same' };
    const x = values(
      c.x.reduce((a, b) => a * b, 1),
      5,
    );
    const dyShape = [8, 48, 48, 4];
    const dy = values(
      dyShape.reduce((a, b) => a * b, 1),
      6,
    );
    const expected = directFilterGradient(c, x, dy);
    const wasm = await on('wasm', () => filterGradient(c, x, dy, dyShape));
    assertClose(wasm, expected, 2e-4, 'sliced wasm vs definition');
  });

  it('im2col and col2im give the same bits in WebAssembly as in their JavaScript fallback', async () => {
    const c: ConvCase = { x: [2, 9, 8, 6], filter: [3, 3, 6, 5], stride: 2, pad: 'same' };
    const dyShape = [2, 5, 4, 5];
    const x = values(2 * 9 * 8 * 6, 21);
    const w = values(3 * 3 * 6 * 5, 22);
    const dy = values(2 * 5 * 4 * 5, 23);
    const run = async (simd: boolean) => {
      useSimdKernels(simd);
      try {
        return [
          await on('wasm', () => filterGradient(c, x, dy, dyShape)),
          await on('wasm', () => inputGradient(c, w, dy, dyShape)),
        ];
      } finally {
        useSimdKernels(true);
      }
    };
    const [fast, fallback] = [await run(true), await run(false)];
    assert.deepStrictEqual(fast[0], fallback[0], 'filter gradient');
    assert.deepStrictEqual(fast[1], fallback[1], 'input gradient');
    assertClose(fast[1], directInputGradient(c, w, dy), 1e-5, 'input gradient against the definition');
  });

  it('trains a convolution on wasm with the same gradient as on cpu', async () => {
    const x = values(2 * 8 * 8 * 3, 3);
    const k = values(3 * 3 * 3 * 4, 4);
    const grads = (backend: string) =>
      on(backend, () => {
        const kernel = tf.tensor4d(k, [3, 3, 3, 4]);
        const input = tf.tensor4d(x, [2, 8, 8, 3]);
        const g = tf.grads((w: tf.Tensor, xi: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(xi as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'))),
        );
        const [dw, dx] = g([kernel, input]);
        return tf.concat([dw.flatten(), dx.flatten()]);
      });
    const wasm = await grads('wasm');
    const cpu = await grads('cpu');
    await tf.setBackend('wasm');
    assertClose(wasm, cpu, 1e-4, 'conv2d gradients');
  });

  const depthwiseCases = [
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 1], stride: 1, dilation: 1, pad: 'same' as const },
    { x: [2, 8, 9, 2], filter: [3, 3, 2, 2], stride: 2, dilation: 1, pad: 'valid' as const },
  ];
  for (const c of depthwiseCases) {
    it(`depthwise gradients match the cpu kernels: x ${c.x.join('×')}, filter ${c.filter.join('×')}, stride ${c.stride}, dilation ${c.dilation}, ${c.pad}`, async () => {
      const x = values(
        c.x.reduce((a, b) => a * b, 1),
        7,
      );
      const f = values(
        c.filter.reduce((a, b) => a * b, 1),
        8,
      );
      const grads = (backend: string) =>
        on(backend, () => {
          const g = tf.grads((xi: tf.Tensor, fi: tf.Tensor) =>
            tf.sum(
              tf.mul(
                tf.depthwiseConv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dilation),
                1.5,
              ),
            ),
          );
          const [dx, df] = g([
            tf.tensor4d(x, c.x as [number, number, number, number]),
            tf.tensor4d(f, c.filter as [number, number, number, number]),
          ]);
          return tf.concat([dx.flatten(), df.flatten()]);
        });
      const cpu = await grads('cpu');
      const wasm = await grads('wasm');
      assertClose(wasm, cpu, 1e-4, 'depthwise gradients');
    });
  }

  it('dilated depthwise gradient kernels match the definition', async () => {
    // TF.js refuses dilation in the depthwise gradient (and its cpu kernels ignore it), but the
    // kernels take it: check them against the definition with the effective kernel (k − 1)·d + 1.
    const [N, H, W, C, K, M, D] = [1, 9, 9, 2, 3, 3, 2];
    const { before: top, out: OH } = samePadding(H, (K - 1) * D + 1, 1);
    const x = values(N * H * W * C, 12);
    const f = values(K * K * C * M, 13);
    const dy = values(N * OH * OH * C * M, 14);
    const dwExpected = new Float32Array(K * K * C * M);
    const dxExpected = new Float32Array(N * H * W * C);
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OH; ow++)
        for (let i = 0; i < K; i++)
          for (let j = 0; j < K; j++) {
            const h = oh - top + i * D;
            const w = ow - top + j * D;
            if (h < 0 || h >= H || w < 0 || w >= W) continue;
            for (let c = 0; c < C; c++)
              for (let q = 0; q < M; q++) {
                const g = dy[(oh * OH + ow) * C * M + c * M + q];
                dwExpected[((i * K + j) * C + c) * M + q] += x[(h * W + w) * C + c] * g;
                dxExpected[(h * W + w) * C + c] += f[((i * K + j) * C + c) * M + q] * g;
              }
          }
    const attrs = { strides: 1, dilations: D, pad: 'same' };
    const [dw, dx] = await Promise.all([
      on(
        'wasm',
        () =>
          tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropFilter',
              { x: tf.tensor4d(x, [N, H, W, C]), dy: tf.tensor4d(dy, [N, OH, OH, C * M]) },
              { ...attrs, filterShape: [K, K, C, M] } as unknown as tf.NamedAttrMap,
            ) as tf.Tensor,
      ),
      on(
        'wasm',
        () =>
          tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropInput',
              { dy: tf.tensor4d(dy, [N, OH, OH, C * M]), filter: tf.tensor4d(f, [K, K, C, M]) },
              { ...attrs, inputShape: [N, H, W, C] } as unknown as tf.NamedAttrMap,
            ) as tf.Tensor,
      ),
    ]);
    assertClose(dw, dwExpected, 1e-4, 'dilated dW');
    assertClose(dx, dxExpected, 1e-4, 'dilated dx');
  });

  it('depthwise filter gradient of a 1×1 kernel is the per-channel sum of x·dy', async () => {
    // With a 1×1 filter, multiplier 1 and stride 1, dW[0,0,c,0] = Σ x[..., c]·dy[..., c] exactly.
    const x = values(2 * 3 * 3 * 2, 9);
    const dy = values(2 * 3 * 3 * 2, 10);
    const expected = [0, 1].map((c) => x.reduce((s, v, i) => (i % 2 === c ? s + v * dy[i] : s), 0));
    const got = await on(
      'wasm',
      () =>
        tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropFilter',
            { x: tf.tensor4d(x, [2, 3, 3, 2]), dy: tf.tensor4d(dy, [2, 3, 3, 2]) },
            {
              strides: 1,
              dilations: 1,
              pad: 'valid',
              filterShape: [1, 1, 2, 1],
            } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor,
    );
    assertClose(got, expected, 1e-5, 'dW');
  });

  const products: [number[], number[], boolean, boolean][] = [
    [[5, 7], [5, 3], true, false], // aᵀ·b: the weight gradient of a dense layer
    [[4, 9], [6, 9], false, true], // a·bᵀ: the input gradient of a dense layer
    [[3, 64], [200, 64], false, true], // small a, large b: computed as (b·aᵀ)ᵀ
    [[8, 5], [4, 8], true, true],
    [[1, 6, 4], [1, 6, 5], true, false], // batch dimension of 1
  ];
  for (const [aShape, bShape, ta, tb] of products) {
    it(`BatchMatMul ${aShape.join('×')}${ta ? 'ᵀ' : ''} · ${bShape.join('×')}${tb ? 'ᵀ' : ''} matches the definition`, async () => {
      const a = values(
        aShape.reduce((x, y) => x * y, 1),
        31,
      );
      const b = values(
        bShape.reduce((x, y) => x * y, 1),
        32,
      );
      const [ar, ac] = aShape.slice(-2);
      const [br, bc] = bShape.slice(-2);
      const m = ta ? ac : ar;
      const k = ta ? ar : ac;
      const n = tb ? br : bc;
      const at = (i: number, p: number) => (ta ? a[p * ac + i] : a[i * ac + p]);
      const bt = (p: number, j: number) => (tb ? b[j * bc + p] : b[p * bc + j]);
      const expected = new Float32Array(m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) expected[i * n + j] += at(i, p) * bt(p, j);
      await tf.setBackend('wasm');
      const out = tf.tidy(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb));
      assert.deepStrictEqual(out.shape, [...aShape.slice(0, -2), m, n]);
      assertClose(out.dataSync(), expected, 1e-5, 'product');
      out.dispose();
    });
  }

  it('leaves no tensor behind in the rerouted kernels', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    tf.tidy(() => {
      tf.matMul(tf.ones([3, 40]), tf.ones([50, 40]), false, true);
      filterGradient(
        { x: [2, 6, 6, 3], filter: [3, 3, 3, 2], stride: 1, pad: 'same' },
        values(216, 1),
        values(144, 2),
        [2, 6, 6, 2],
      );
      inputGradient(
        { x: [2, 6, 6, 3], filter: [3, 3, 3, 2], stride: 2, pad: 'same' },
        values(54, 3),
        values(36, 4),
        [2, 3, 3, 2],
      );
      inputGradient(
        { x: [2, 6, 6, 3], filter: [1, 1, 3, 2], stride: 1, pad: 'same' },
        values(6, 3),
        values(144, 4),
        [2, 6, 6, 2],
      );
    });
    assert.strictEqual(tf.memory().numTensors, before);
    assert.strictEqual(backend.numDataIds(), ids);
  });
});
