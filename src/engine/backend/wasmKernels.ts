// Kernels the wasm backend of TF.js 4.22 lacks or runs slowly, registered for it at start-up:
// - BatchMatMul with a transposed operand: the shipped kernel sends every transposed product to a
//   scalar triple loop, and backpropagation through a dense layer is exactly such products
//   (dW = xᵀ·dy, dx = dy·Wᵀ). Transposing the operand first (a memory-bound copy) lets the
//   product take XNNPACK's fast path; on the Hinton MLP this is most of a training step.
// - Conv2DBackpropFilter (missing: without it no convolutional net trains on wasm): im2col of the
//   input into the wasm heap, then one fast matrix product colsᵀ·dy.
// - Conv2DBackpropInput (shipped as a scalar loop: 600 ms per ResNet-sized layer): one fast matrix
//   product dy·Wᵀ into columns, then col2im adds them back into the image (a copy for 1×1 stride 1).
// - DepthwiseConv2dNativeBackpropInput / Filter (missing): direct loops over the heap, which is
//   what the cpu backend does too; depthwise convolutions are cheap.
// - UnsortedSegmentSum (missing): the gradient of a gather, so without it no embedding table trains.
// - MaxPoolGrad / AvgPoolGrad: one pass over the output windows (poolGrad.ts).
// - Identity, and Cast to the same dtype: the shipped kernels copy the whole tensor (297 copies
//   per ResNet-8 step, many from gradients that pass dy through); they share the data instead,
//   counted by reference as Reshape already does (and as the cpu backend's Identity does).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { installFusedBatchNormGrad } from './batchNormGrad';
import { avgPoolGrad, maxPoolGrad } from './poolGrad';
import { heapOffset, simdKernels } from './simdKernels';

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

/**
 * Relative cost of XNNPACK packing a weights operand, per element, against a plain transpose:
 * measured on the shipped build, packing a fresh 800×800 operand took about 1.6× a transpose of it.
 */
const PACK_COST = 1.6;

/**
 * c = op(a)·op(b) for 2-D views, always through the untransposed (XNNPACK) path of the shipped
 * kernel. XNNPACK repacks its right operand on every call with a new tensor, so the product is
 * computed either directly or as (op(b)ᵀ·op(a)ᵀ)ᵀ, whichever moves fewer elements: for the input
 * gradient of a dense layer, dy·Wᵀ, that packs the small dy instead of the large W.
 */
function matMul2d(
  backend: BackendWasm,
  original: tf.KernelFunc,
  a: Info,
  b: Info,
  transposeA: boolean,
  transposeB: boolean,
): Info {
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const n = transposeB ? b.shape[0] : b.shape[1];
  const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + PACK_COST * k * n;
  const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + PACK_COST * m * k + m * n;
  const temps: Info[] = [];
  const flip = (t: Info): Info => {
    const flipped = call('Transpose', { x: t }, backend, { perm: [1, 0] });
    temps.push(flipped);
    return flipped;
  };
  const product = (left: Info, right: Info): Info => {
    const out = original({
      inputs: { a: view(left, [1, ...left.shape]), b: view(right, [1, ...right.shape]) },
      backend,
      attrs: { transposeA: false, transposeB: false },
    }) as Info;
    return view(out, [left.shape[0], right.shape[1]]);
  };
  let out: Info;
  if (swapped < direct) {
    // op(b)ᵀ is b itself when b was to be transposed, and likewise for a.
    const cT = product(transposeB ? b : flip(b), transposeA ? a : flip(a));
    out = call('Transpose', { x: cT }, backend, { perm: [1, 0] });
    backend.disposeData(cT.dataId);
  } else {
    out = product(transposeA ? flip(a) : a, transposeB ? flip(b) : b);
  }
  temps.forEach((t) => backend.disposeData(t.dataId));
  return out;
}

function batchMatMulKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const batchA = size(a.shape.slice(0, -2));
    const batchB = size(b.shape.slice(0, -2));
    // Untransposed single products already take the fast path; batched ones stay with the original.
    if (
      (!transposeA && !transposeB) ||
      batchA !== 1 ||
      batchB !== 1 ||
      a.dtype !== 'float32' ||
      b.dtype !== 'float32'
    ) {
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

function nhwcOnly(dataFormat: string | undefined, kernel: string): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${kernel} on wasm supports NHWC data only, got ${dataFormat}`);
  }
}

function convInfo(
  xShape: number[],
  filterShape: [number, number, number, number],
  strides: Pair,
  dilations: Pair,
  pad: Padding,
  rounding: 'floor' | 'round' | 'ceil' | undefined,
  depthwise: boolean,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad as 'valid' | 'same' | number,
    rounding,
    depthwise,
    'channelsLast',
  );
}

/** The sizes of a convolution under the short names the loops below use. */
function geometry(
  info: tf.backend_util.Conv2DInfo,
): Record<
  'N' | 'H' | 'W' | 'C' | 'OH' | 'OW' | 'CO' | 'KH' | 'KW' | 'SH' | 'SW' | 'DH' | 'DW' | 'top' | 'left',
  number
> {
  return {
    N: info.batchSize,
    H: info.inHeight,
    W: info.inWidth,
    C: info.inChannels,
    OH: info.outHeight,
    OW: info.outWidth,
    CO: info.outChannels,
    KH: info.filterHeight,
    KW: info.filterWidth,
    SH: info.strideHeight,
    SW: info.strideWidth,
    DH: info.dilationHeight,
    DW: info.dilationWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/**
 * Writes the transposed im2col matrix of examples [n0, n1) into `colsT` ([K, rows]): row k = (i, j, c)
 * of the receptive field in filter order, one column per output pixel, zeros where the field
 * overhangs the padding. `xT` is the input in NCHW order, so each output row reads one image row.
 */
function im2colT(
  colsT: Float32Array,
  xT: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  n0: number,
  n1: number,
): void {
  const { H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, top, left } = geometry(info);
  const rows = (n1 - n0) * OH * OW;
  for (let i = 0; i < KH; i++) {
    for (let j = 0; j < KW; j++) {
      // Output columns whose input column w = ow·SW − left + j·DW lies inside the image.
      const offset = j * DW - left;
      const owLo = Math.min(OW, Math.max(0, Math.ceil(-offset / SW)));
      const owHi = Math.max(owLo, Math.min(OW, Math.floor((W - 1 - offset) / SW) + 1));
      for (let c = 0; c < C; c++) {
        const k = (i * KW + j) * C + c;
        let dst = k * rows;
        for (let n = n0; n < n1; n++) {
          const plane = (n * C + c) * H * W;
          for (let oh = 0; oh < OH; oh++, dst += OW) {
            const h = oh * SH - top + i * DH;
            if (h < 0 || h >= H) {
              colsT.fill(0, dst, dst + OW);
              continue;
            }
            if (owLo > 0) colsT.fill(0, dst, dst + owLo);
            if (owHi < OW) colsT.fill(0, dst + owHi, dst + OW);
            // Short runs: a plain loop beats subarray + set, which allocates a view per run.
            const src = plane + h * W + offset;
            if (SW === 1) for (let ow = owLo; ow < owHi; ow++) colsT[dst + ow] = xT[src + ow];
            else for (let ow = owLo; ow < owHi; ow++) colsT[dst + ow] = xT[src + ow * SW];
          }
        }
      }
    }
  }
}

/** im2colT in WebAssembly (one bulk copy per run) where it loads, else in JavaScript. */
function fillColumns(
  backend: BackendWasm,
  colsT: Info,
  xT: Info,
  info: tf.backend_util.Conv2DInfo,
  n0: number,
  n1: number,
): void {
  const simd = simdKernels(backend);
  if (!simd) {
    im2colT(floats(backend, colsT), floats(backend, xT), info, n0, n1);
    return;
  }
  const { H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, top, left } = geometry(info);
  const rows = (n1 - n0) * OH * OW;
  const [dst, src] = [heapOffset(backend, colsT.dataId), heapOffset(backend, xT.dataId)];
  for (let i = 0; i < KH; i++) {
    for (let j = 0; j < KW; j++) {
      const offset = j * DW - left;
      const owLo = Math.min(OW, Math.max(0, Math.ceil(-offset / SW)));
      const owHi = Math.max(owLo, Math.min(OW, Math.floor((W - 1 - offset) / SW) + 1));
      const k = (i * KW + j) * C;
      simd.im2colT(dst + k * rows * 4, src, C, n0, n1, H, W, OH, OW, SH, SW, i * DH - top, offset, owLo, owHi);
    }
  }
}

function conv2dBackpropFilterKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: Info; dy: Info };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    nhwcOnly(dataFormat, 'Conv2DBackpropFilter');
    const backend = args.backend as BackendWasm;
    const info = convInfo(x.shape, filterShape, strides, 1, pad as Padding, dimRoundingMode, false);
    const N = info.batchSize;
    const pixels = info.outHeight * info.outWidth;
    const K = info.filterHeight * info.filterWidth * info.inChannels;
    const CO = info.outChannels;
    // NCHW makes each image row contiguous per channel; with one channel the layouts coincide.
    const xT = info.inChannels === 1 ? x : call('Transpose', { x }, backend, { perm: [0, 3, 1, 2] });
    const perSlice = Math.max(1, Math.min(N, Math.floor(COLUMN_BUDGET / Math.max(1, pixels * K))));
    let result: Info | undefined;
    for (let n0 = 0; n0 < N; n0 += perSlice) {
      const n1 = Math.min(N, n0 + perSlice);
      const rows = (n1 - n0) * pixels;
      const colsT = backend.makeOutput([K, rows], 'float32');
      fillColumns(backend, colsT, xT, info, n0, n1);
      // The slice of dy for these examples is a contiguous block: a view at an offset needs a copy.
      const grads = dyRows(backend, dy, pixels, CO, n0, n1, N);
      const whole = grads.dataId === dy.dataId;
      // dW[K, CO] = colsT[K, rows] · dy[rows, CO]: the product packs the narrow dy, not the columns.
      const partial = matMul2d(backend, original, colsT, grads, false, false);
      backend.disposeData(colsT.dataId);
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
    if (xT !== x) backend.disposeData(xT.dataId);
    return view(result ?? zeros(backend, [K, CO]), [...filterShape]);
  };
}

/**
 * dx[n, h, w, c] += cols[(n, oh, ow), (i, j, c)] for examples [n0, n1), wherever output (oh, ow)'s
 * receptive field covers (h, w): the transpose of im2col. Each (i, j) moves a run of C channels
 * that is contiguous in both the columns and the NHWC image.
 */
function col2im(dx: Float32Array, cols: Float32Array, info: tf.backend_util.Conv2DInfo, n0: number, n1: number): void {
  const { H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, top, left } = geometry(info);
  const K = KH * KW * C;
  let src = 0;
  for (let n = n0; n < n1; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, src += K) {
        for (let i = 0; i < KH; i++) {
          const h = oh * SH - top + i * DH;
          if (h < 0 || h >= H) continue;
          for (let j = 0; j < KW; j++) {
            const w = ow * SW - left + j * DW;
            if (w < 0 || w >= W) continue;
            const from = src + (i * KW + j) * C;
            const to = ((n * H + h) * W + w) * C;
            for (let c = 0; c < C; c++) dx[to + c] += cols[from + c];
          }
        }
      }
    }
  }
}

/** col2im in WebAssembly SIMD where it loads, else in JavaScript; the same sums in the same order. */
function addColumns(
  backend: BackendWasm,
  dx: Info,
  cols: Info,
  info: tf.backend_util.Conv2DInfo,
  n0: number,
  n1: number,
): void {
  const simd = simdKernels(backend);
  if (!simd) {
    col2im(floats(backend, dx), floats(backend, cols), info, n0, n1);
    return;
  }
  const { H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, top, left } = geometry(info);
  const [to, from] = [heapOffset(backend, dx.dataId), heapOffset(backend, cols.dataId)];
  simd.col2im(to, from, n0, n1, H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, top, left);
}

/** The rows of dy ([N·OH·OW, CO]) for examples [n0, n1): the whole tensor, or a copy of the slice. */
function dyRows(backend: BackendWasm, dy: Info, pixels: number, CO: number, n0: number, n1: number, N: number): Info {
  if (n0 === 0 && n1 === N) return view(dy, [N * pixels, CO]);
  const grads = backend.makeOutput([(n1 - n0) * pixels, CO], 'float32');
  floats(backend, grads).set(floats(backend, view(dy, [N * pixels * CO])).subarray(n0 * pixels * CO, n1 * pixels * CO));
  return grads;
}

function conv2dBackpropInputKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: Info; filter: Info };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    nhwcOnly(dataFormat, 'Conv2DBackpropInput');
    const backend = args.backend as BackendWasm;
    const filterShape = filter.shape as [number, number, number, number];
    const info = convInfo(inputShape, filterShape, strides, 1, pad as Padding, dimRoundingMode, false);
    const { N, OH, OW, C, CO, KH, KW, SH, SW, top, left } = geometry(info);
    const pixels = OH * OW;
    const K = KH * KW * C;
    const w = view(filter, [K, CO]);
    // A 1×1 stride-1 convolution without padding: the columns are dx itself.
    if (
      KH === 1 &&
      KW === 1 &&
      SH === 1 &&
      SW === 1 &&
      top === 0 &&
      left === 0 &&
      pixels === info.inHeight * info.inWidth
    ) {
      const cols = matMul2d(backend, original, view(dy, [N * pixels, CO]), w, false, true);
      return view(cols, [...inputShape]);
    }
    const out = zeros(backend, [...inputShape]);
    const perSlice = Math.max(1, Math.min(N, Math.floor(COLUMN_BUDGET / Math.max(1, pixels * K))));
    for (let n0 = 0; n0 < N; n0 += perSlice) {
      const n1 = Math.min(N, n0 + perSlice);
      const grads = dyRows(backend, dy, pixels, CO, n0, n1, N);
      // cols[rows, K] = dy[rows, CO] · W[K, CO]ᵀ
      const cols = matMul2d(backend, original, grads, w, false, true);
      if (grads.dataId !== dy.dataId) backend.disposeData(grads.dataId);
      addColumns(backend, out, cols, info, n0, n1);
      backend.disposeData(cols.dataId);
    }
    return out;
  };
}

/** dW[i, j, c, q] = Σ x[n, h(oh, i), w(ow, j), c] · dy[n, oh, ow, c·m + q] over n, oh, ow. */
function depthwiseBackpropFilter(args: Parameters<tf.KernelFunc>[0]): Info {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const backend = args.backend as BackendWasm;
  const info = convInfo(x.shape, filterShape, strides, dilations, pad as Padding, dimRoundingMode, true);
  const out = zeros(backend, [...filterShape]);
  const dw = floats(backend, out);
  const xs = floats(backend, x);
  const dys = floats(backend, dy);
  const { N, H, W, C, OH, OW, CO, KH, KW, SH, SW, DH, DW, top, left } = geometry(info);
  const m = CO / C;
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
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const backend = args.backend as BackendWasm;
  const info = convInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad as Padding,
    dimRoundingMode,
    true,
  );
  const out = zeros(backend, [...inputShape]);
  const dx = floats(backend, out);
  const ws = floats(backend, filter);
  const dys = floats(backend, dy);
  const { N, H, W, C, OH, OW, CO, KH, KW, SH, SW, DH, DW, top, left } = geometry(info);
  const m = CO / C;
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

/** out[segmentIds[i], …] += x[i, …]; ids outside [0, numSegments) are dropped, as TensorFlow does. */
function unsortedSegmentSum(args: Parameters<tf.KernelFunc>[0]): Info {
  const { x, segmentIds } = args.inputs as { x: Info; segmentIds: Info };
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const backend = args.backend as BackendWasm;
  const rows = size(segmentIds.shape);
  const inner = rows === 0 ? 0 : size(x.shape) / rows;
  const out = zeros(backend, [numSegments, ...x.shape.slice(segmentIds.shape.length)]);
  const sums = floats(backend, out);
  const xs = floats(backend, x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let r = 0; r < rows; r++) {
    const id = ids[r];
    if (id < 0 || id >= numSegments) continue;
    const src = r * inner;
    const dst = id * inner;
    for (let k = 0; k < inner; k++) sums[dst + k] += xs[src + k];
  }
  return out;
}

/** The input itself under a new reference: no copy. Nothing writes into a kernel's inputs. */
function share(backend: BackendWasm, x: Info): Info {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function identityKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    return x.dtype === 'string' ? original(args) : share(args.backend as BackendWasm, x);
  };
}

function castKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    const { dtype } = args.attrs as unknown as { dtype: string };
    return x.dtype === dtype && dtype !== 'string' ? share(args.backend as BackendWasm, x) : original(args);
  };
}

/** What registerWasmKernels did: kernels added where wasm had none, and shipped kernels replaced. */
export interface WasmKernelReport {
  added: string[];
  replaced: string[];
}

let registered: WasmKernelReport | undefined;

/** The shipped kernels that were replaced, by name: the benchmark times them against their replacements. */
const shippedKernels = new Map<string, tf.KernelFunc>();

export function shippedKernel(name: string): tf.KernelFunc | undefined {
  return shippedKernels.get(name);
}

function replace(name: string, make: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const shipped = wasmKernel(name);
  shippedKernels.set(name, shipped.kernelFunc);
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
  replace('Conv2DBackpropInput', () => conv2dBackpropInputKernel(matMul));
  report.replaced.push('Conv2DBackpropInput');
  installFusedBatchNormGrad();
  report.replaced.push('FusedBatchNorm gradient');
  replace('MaxPoolGrad', () => maxPoolGrad);
  replace('AvgPoolGrad', () => avgPoolGrad);
  replace('Identity', identityKernel);
  replace('Cast', castKernel);
  report.replaced.push('MaxPoolGrad', 'AvgPoolGrad', 'Identity', 'Cast');
  if (add('DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter))
    report.added.push('DepthwiseConv2dNativeBackpropFilter');
  if (add('DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput))
    report.added.push('DepthwiseConv2dNativeBackpropInput');
  if (add('UnsortedSegmentSum', unsortedSegmentSum)) report.added.push('UnsortedSegmentSum');
  registered = report;
  return report;
}
