// Kernels the wasm backend of TF.js 4.22 lacks or runs slowly, registered for it at start-up:
// - BatchMatMul with a transposed operand: the shipped kernel sends every transposed product to a
//   scalar triple loop, and backpropagation through a dense layer is exactly such products
//   (dW = xᵀ·dy, dx = dy·Wᵀ). Transposing the operand first (a memory-bound copy) lets the
//   product take XNNPACK's fast path; on the Hinton MLP this is most of a training step.
// - Conv2DBackpropFilter (missing: without it no convolutional net trains on wasm): im2col of the
//   input into the wasm heap, then one fast matrix product colsᵀ·dy.
// - DepthwiseConv2dNativeBackpropInput / Filter (missing): direct loops over the heap, which is
//   what the cpu backend does too; depthwise convolutions are cheap.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Info = tf.TensorInfo;
type Pair = [number, number] | number;
type Padding = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

const BACKEND = 'wasm';
/** im2col buffers are built a slice of the batch at a time, at most this many floats each (16 MB). */
const COLUMN_BUDGET = 4 * 1024 * 1024;

function wasmKernel(name: string): tf.KernelConfig {
  const config = tf.getKernel(name, BACKEND);
  if (!config) throw new Error(`the wasm backend has no ${name} kernel to build on`);
  return config;
}

function call(name: string, inputs: Record<string, Info>, backend: BackendWasm, attrs: object): Info {
  const out = wasmKernel(name).kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
  return Array.isArray(out) ? out[0] : out;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function view(t: Info, shape: number[]): Info {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** A float32 heap view of a tensor; taken afresh after every allocation (the heap may move). */
function floats(backend: BackendWasm, t: Info): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

function zeros(backend: BackendWasm, shape: number[]): Info {
  const out = backend.makeOutput(shape, 'float32');
  floats(backend, out).fill(0);
  return out;
}

/** c = op(a)·op(b) for 2-D views, always through the untransposed (XNNPACK) path of the shipped kernel. */
function matMul2d(backend: BackendWasm, original: tf.KernelFunc, a: Info, b: Info, transposeA: boolean, transposeB: boolean): Info {
  const temps: Info[] = [];
  const upright = (t: Info, transpose: boolean): Info => {
    if (!transpose) return t;
    const flipped = call('Transpose', { x: t }, backend, { perm: [1, 0] });
    temps.push(flipped);
    return flipped;
  };
  const a2 = upright(a, transposeA);
  const b2 = upright(b, transposeB);
  const out = original({
    inputs: { a: view(a2, [1, ...a2.shape]), b: view(b2, [1, ...b2.shape]) },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as Info;
  temps.forEach((t) => backend.disposeData(t.dataId));
  return view(out, [a2.shape[0], b2.shape[1]]);
}

function batchMatMulKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const batchA = size(a.shape.slice(0, -2));
    const batchB = size(b.shape.slice(0, -2));
    // Untransposed single products already take the fast path; batched ones stay with the original.
    if ((!transposeA && !transposeB) || batchA !== 1 || batchB !== 1 || a.dtype !== 'float32' || b.dtype !== 'float32') {
      return original(args);
    }
    const backend = args.backend as BackendWasm;
    const [ar, ac] = a.shape.slice(-2);
    const [br, bc] = b.shape.slice(-2);
    const out = matMul2d(backend, original, view(a, [ar, ac]), view(b, [br, bc]), transposeA, transposeB);
    const outer = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
    return view(out, [...outer, ...out.shape]);
  };
}

interface ConvGeometry {
  info: tf.backend_util.Conv2DInfo;
}

function nhwcOnly(dataFormat: string | undefined, kernel: string): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${kernel} on wasm supports NHWC data only, got ${dataFormat}`);
  }
}

function convGeometry(xShape: number[], filterShape: [number, number, number, number], strides: Pair, dilations: Pair, pad: Padding, rounding: 'floor' | 'round' | 'ceil' | undefined, depthwise: boolean): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape, strides, dilations,
    pad as 'valid' | 'same' | number, rounding, depthwise, 'channelsLast',
  );
  return { info };
}

/**
 * Writes the im2col rows of examples [n0, n1) of x (NHWC) into `cols`: one row per output pixel,
 * the receptive field flattened in (kh, kw, channel) order, zeros where it overhangs the padding.
 */
function im2col(cols: Float32Array, x: Float32Array, info: tf.backend_util.Conv2DInfo, n0: number, n1: number): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = info;
  const { strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const K = KH * KW * C;
  let row = 0;
  for (let n = n0; n < n1; n++) {
    const image = n * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, row++) {
        let dst = row * K;
        for (let i = 0; i < KH; i++) {
          const h = oh * SH - top + i * DH;
          const rowInside = h >= 0 && h < H;
          for (let j = 0; j < KW; j++, dst += C) {
            const w = ow * SW - left + j * DW;
            if (!rowInside || w < 0 || w >= W) {
              cols.fill(0, dst, dst + C);
              continue;
            }
            const src = image + (h * W + w) * C;
            if (C === 1) cols[dst] = x[src];
            else if (C < 16) for (let c = 0; c < C; c++) cols[dst + c] = x[src + c];
            else cols.set(x.subarray(src, src + C), dst);
          }
        }
      }
    }
  }
}

function conv2dBackpropFilterKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: Info; dy: Info };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    nhwcOnly(dataFormat, 'Conv2DBackpropFilter');
    const backend = args.backend as BackendWasm;
    const { info } = convGeometry(x.shape, filterShape, strides, 1, pad as Padding, dimRoundingMode, false);
    const N = info.batchSize;
    const pixels = info.outHeight * info.outWidth;
    const K = info.filterHeight * info.filterWidth * info.inChannels;
    const CO = info.outChannels;
    const perSlice = Math.max(1, Math.min(N, Math.floor(COLUMN_BUDGET / Math.max(1, pixels * K))));
    let result: Info | undefined;
    for (let n0 = 0; n0 < N; n0 += perSlice) {
      const n1 = Math.min(N, n0 + perSlice);
      const rows = (n1 - n0) * pixels;
      const cols = backend.makeOutput([rows, K], 'float32');
      im2col(floats(backend, cols), floats(backend, x), info, n0, n1);
      let grads = view(dy, [rows, CO]);
      const whole = n0 === 0 && n1 === N;
      if (!whole) {
        grads = backend.makeOutput([rows, CO], 'float32');
        floats(backend, grads).set(floats(backend, view(dy, [N * pixels * CO])).subarray(n0 * pixels * CO, n1 * pixels * CO));
      }
      const partial = matMul2d(backend, original, cols, grads, true, false);
      backend.disposeData(cols.dataId);
      if (!whole) backend.disposeData(grads.dataId);
      if (!result) {
        result = partial;
      } else {
        const sum = floats(backend, result);
        const add = floats(backend, partial);
        for (let i = 0; i < sum.length; i++) sum[i] += add[i];
        backend.disposeData(partial.dataId);
      }
    }
    return view(result ?? zeros(backend, [K, CO]), [...filterShape]);
  };
}

/** dW[i, j, c, q] = Σ x[n, h(oh, i), w(ow, j), c] · dy[n, oh, ow, c·m + q] over n, oh, ow. */
function depthwiseBackpropFilter(args: Parameters<tf.KernelFunc>[0]): Info {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const backend = args.backend as BackendWasm;
  const { info } = convGeometry(x.shape, filterShape, strides, dilations, pad as Padding, dimRoundingMode, true);
  const out = zeros(backend, [...filterShape]);
  const dw = floats(backend, out);
  const xs = floats(backend, x);
  const dys = floats(backend, dy);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW } = info;
  const m = CO / C;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const g = ((n * OH + oh) * OW + ow) * CO;
        for (let i = 0; i < KH; i++) {
          const h = oh * SH - top + i * DH;
          if (h < 0 || h >= H) continue;
          for (let j = 0; j < KW; j++) {
            const w = ow * SW - left + j * DW;
            if (w < 0 || w >= W) continue;
            const src = ((n * H + h) * W + w) * C;
            const dst = (i * KW + j) * CO;
            for (let c = 0; c < C; c++) {
              const xv = xs[src + c];
              for (let q = 0; q < m; q++) dw[dst + c * m + q] += xv * dys[g + c * m + q];
            }
          }
        }
      }
    }
  }
  return out;
}

/** dx[n, h, w, c] = Σ dy[n, oh, ow, c·m + q] · W[i, j, c, q] over the outputs whose field covers (h, w). */
function depthwiseBackpropInput(args: Parameters<tf.KernelFunc>[0]): Info {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const backend = args.backend as BackendWasm;
  const { info } = convGeometry(inputShape, filter.shape as [number, number, number, number], strides, dilations, pad as Padding, dimRoundingMode, true);
  const out = zeros(backend, [...inputShape]);
  const dx = floats(backend, out);
  const ws = floats(backend, filter);
  const dys = floats(backend, dy);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW } = info;
  const m = CO / C;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const g = ((n * OH + oh) * OW + ow) * CO;
        for (let i = 0; i < KH; i++) {
          const h = oh * SH - top + i * DH;
          if (h < 0 || h >= H) continue;
          for (let j = 0; j < KW; j++) {
            const w = ow * SW - left + j * DW;
            if (w < 0 || w >= W) continue;
            const dst = ((n * H + h) * W + w) * C;
            const src = (i * KW + j) * CO;
            for (let c = 0; c < C; c++) {
              let sum = 0;
              for (let q = 0; q < m; q++) sum += dys[g + c * m + q] * ws[src + c * m + q];
              dx[dst + c] += sum;
            }
          }
        }
      }
    }
  }
  return out;
}

/** What registerWasmKernels did: kernels added where wasm had none, and shipped kernels replaced. */
export interface WasmKernelReport {
  added: string[];
  replaced: string[];
}

let registered: WasmKernelReport | undefined;

function replace(name: string, make: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const shipped = wasmKernel(name);
  tf.unregisterKernel(name, BACKEND);
  // The shipped setup (binding its wasm function) still runs whenever the backend initialises.
  tf.registerKernel({ ...shipped, kernelFunc: make(shipped.kernelFunc) });
}

function add(name: string, kernelFunc: tf.KernelFunc): boolean {
  if (tf.getKernel(name, BACKEND)) return false;
  tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc });
  return true;
}

/**
 * Registers the kernels above for the wasm backend; call once the backend is initialised.
 * Idempotent: later calls return the first call's report.
 */
export function registerWasmKernels(): WasmKernelReport {
  if (registered) return registered;
  const matMul = wasmKernel('BatchMatMul').kernelFunc;
  const report: WasmKernelReport = { added: [], replaced: [] };
  replace('BatchMatMul', batchMatMulKernel);
  report.replaced.push('BatchMatMul');
  if (add('Conv2DBackpropFilter', conv2dBackpropFilterKernel(matMul))) report.added.push('Conv2DBackpropFilter');
  if (add('DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter)) report.added.push('DepthwiseConv2dNativeBackpropFilter');
  if (add('DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput)) report.added.push('DepthwiseConv2dNativeBackpropInput');
  registered = report;
  return report;
}
