// Batch-norm backward in one pass on wasm. TF.js's gradient of FusedBatchNorm tiles 1/√(σ²+ε) to
// the full size of x (a Tile the wasm backend runs slowly: 390 ms per ResNet-sized layer here) and
// then makes about ten full-size element-wise and reduction kernels. This kernel reads x and dy
// once, writes dx, and accumulates the two per-channel sums every other gradient derives from:
//   dx = dy·γ·r,  dμ = −r·γ·Σdy,  dσ² = −½·r³·γ·Σdy·(x−μ),  dγ = r·Σdy·(x−μ),  dβ = Σdy,
// with r = 1/√(σ²+ε), sums over every axis but the channel axis: the same arithmetic as TF.js's
// gradient (mean and variance stay separate inputs; their own gradients flow on through tf.moments).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export const FUSED_BATCH_NORM_GRAD_KERNEL = 'KdFusedBatchNormGrad';

type Info = tf.TensorInfo;

function fusedBatchNormGradKernel(args: Parameters<tf.KernelFunc>[0]): Info[] {
  const { x, dy, mean, variance, scale } = args.inputs as Record<'x' | 'dy' | 'mean' | 'variance', Info> & {
    scale?: Info;
  };
  const { varianceEpsilon } = args.attrs as unknown as { varianceEpsilon: number };
  const backend = args.backend as BackendWasm;
  const C = mean.shape[0];
  const outs = [backend.makeOutput(x.shape, 'float32'), ...[0, 1, 2, 3].map(() => backend.makeOutput([C], 'float32'))];
  // Heap views only after the last allocation: an allocation may move the heap.
  const view = (t: Info): Float32Array => backend.typedArrayFromHeap(t) as Float32Array;
  const [xs, dys, mu, sigma2] = [x, dy, mean, variance].map(view);
  const gamma = scale ? view(scale) : undefined;
  const [dx, dMean, dVariance, dScale, dOffset] = outs.map(view);
  const r = new Float64Array(C);
  const k = new Float32Array(C);
  const means = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    r[c] = 1 / Math.sqrt(sigma2[c] + varianceEpsilon);
    k[c] = r[c] * (gamma ? gamma[c] : 1);
    means[c] = mu[c];
  }
  const sumDy = new Float64Array(C);
  const sumDyXm = new Float64Array(C);
  const n = xs.length;
  for (let base = 0; base < n; base += C) {
    for (let c = 0; c < C; c++) {
      const d = dys[base + c];
      sumDy[c] += d;
      sumDyXm[c] += d * (xs[base + c] - means[c]);
      dx[base + c] = d * k[c];
    }
  }
  for (let c = 0; c < C; c++) {
    const g = gamma ? gamma[c] : 1;
    dMean[c] = -r[c] * g * sumDy[c];
    dVariance[c] = -0.5 * r[c] * r[c] * r[c] * g * sumDyXm[c];
    dScale[c] = r[c] * sumDyXm[c];
    dOffset[c] = sumDy[c];
  }
  return outs;
}

/** The case the one-pass kernel serves: per-channel statistics of the last axis, float32, on wasm. */
function fused(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale: tf.Tensor | undefined): boolean {
  const C = x.shape[x.rank - 1];
  const perChannel = (t: tf.Tensor | undefined): boolean => t === undefined || (t.rank === 1 && t.shape[0] === C);
  return (
    tf.getBackend() === 'wasm' &&
    x.dtype === 'float32' &&
    x.rank >= 2 &&
    perChannel(mean) &&
    perChannel(variance) &&
    perChannel(scale)
  );
}

let installed = false;

/**
 * Registers the kernel for wasm and routes FusedBatchNorm's gradient through it where it applies;
 * elsewhere (other backends, broadcast statistics) TF.js's own gradient runs. Idempotent.
 */
export function installFusedBatchNormGrad(): void {
  if (installed) return;
  installed = true;
  if (!tf.getKernel(FUSED_BATCH_NORM_GRAD_KERNEL, 'wasm'))
    tf.registerKernel({
      kernelName: FUSED_BATCH_NORM_GRAD_KERNEL,
      backendName: 'wasm',
      kernelFunc: fusedBatchNormGradKernel,
    });
  const original = tf.getGradient(tf.FusedBatchNorm);
  tf.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved as (tf.Tensor | undefined)[] as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor | undefined,
      ];
      const grad = dy as tf.Tensor;
      if (!fused(x, mean, variance, scale ?? undefined)) return original.gradFunc(dy, saved, attrs);
      const inputs: tf.NamedTensorMap = { x, dy: grad, mean, variance };
      if (scale) inputs.scale = scale;
      // Computed now, not per requested input: the engine runs each input's function in its own
      // scope, and the outputs nobody asks for are freed with the backward pass's scope.
      const [dx, dMean, dVariance, dScale, dOffset] = tf
        .engine()
        .runKernel(FUSED_BATCH_NORM_GRAD_KERNEL, inputs, attrs as tf.NamedAttrMap) as tf.Tensor[];
      return {
        x: () => dx,
        mean: () => dMean,
        variance: () => dVariance,
        scale: () => dScale,
        offset: () => dOffset,
      };
    },
  });
}
