// Pooling gradients for the wasm backend, over the NHWC heap in one pass per output window.
// The shipped MaxPoolGrad and AvgPoolGrad kernels walk every input pixel and, for each, every
// output window that could cover it, finding the window's maximum again per pair: on the LeNet-5
// pair MaxPoolGrad took 4.1 ms of a 26 ms step. Here each output window is visited once: its
// maximum is found (the first strictly greatest value in row order, as the cpu backend chooses,
// none where the window holds only −∞ or NaN) and dy is added there; for the average, dy/(fh·fw)
// is added across the window (TF.js divides by the whole window, padding included).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Info = tf.TensorInfo;

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The window geometry of a 2-D pool over `shape` (NHWC), in the names the loops use. */
function windows(shape: number[], attrs: PoolAttrs) {
  const info = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode,
  );
  return {
    N: info.batchSize,
    H: info.inHeight,
    W: info.inWidth,
    C: info.inChannels,
    OH: info.outHeight,
    OW: info.outWidth,
    FH: info.filterHeight,
    FW: info.filterWidth,
    SH: info.strideHeight,
    SW: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/** dx (zeros) and heap views of it and the inputs, taken after the only allocation. */
function output(backend: BackendWasm, shape: number[], ...inputs: Info[]): [Info, Float32Array, ...Float32Array[]] {
  const dx = backend.makeOutput(shape, 'float32');
  const views = [dx, ...inputs].map((t) => backend.typedArrayFromHeap(t) as Float32Array);
  views[0].fill(0);
  return [dx, ...(views as [Float32Array, ...Float32Array[]])];
}

export function maxPoolGrad(args: Parameters<tf.KernelFunc>[0]): Info {
  const { dy, input } = args.inputs as { dy: Info; input: Info };
  const backend = args.backend as BackendWasm;
  const { N, H, W, C, OH, OW, FH, FW, SH, SW, top, left } = windows(input.shape, args.attrs as unknown as PoolAttrs);
  const [out, dx, xs, dys] = output(backend, input.shape, input, dy);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = Math.max(0, oh * SH - top);
      const h1 = Math.min(H, oh * SH - top + FH);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = Math.max(0, ow * SW - left);
        const w1 = Math.min(W, ow * SW - left + FW);
        const g = ((n * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let h = h0; h < h1; h++) {
            for (let w = w0, i = ((n * H + h) * W + w0) * C + c; w < w1; w++, i += C) {
              if (xs[i] > best) {
                best = xs[i];
                at = i;
              }
            }
          }
          if (at >= 0) dx[at] += dys[g + c];
        }
      }
    }
  }
  return out;
}

export function avgPoolGrad(args: Parameters<tf.KernelFunc>[0]): Info {
  const { dy, input } = args.inputs as { dy: Info; input: Info };
  const backend = args.backend as BackendWasm;
  const { N, H, W, C, OH, OW, FH, FW, SH, SW, top, left } = windows(input.shape, args.attrs as unknown as PoolAttrs);
  const [out, dx, dys] = output(backend, input.shape, dy);
  // Sums first, then one scaling, as the cpu backend does.
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = Math.max(0, oh * SH - top);
      const h1 = Math.min(H, oh * SH - top + FH);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = Math.max(0, ow * SW - left);
        const w1 = Math.min(W, ow * SW - left + FW);
        const g = ((n * OH + oh) * OW + ow) * C;
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const i = ((n * H + h) * W + w) * C;
            for (let c = 0; c < C; c++) dx[i + c] += dys[g + c];
          }
        }
      }
    }
  }
  const scale = 1 / (FH * FW);
  for (let i = 0; i < dx.length; i++) dx[i] *= scale;
  return out;
}
