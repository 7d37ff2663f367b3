// Tensor helpers shared by the loss terms. Every helper is built from ops that have gradients on
// the cpu and wasm backends (no conv filter gradients, no resize kernels), so a term trains
// wherever the student trains.
import * as tf from '@tensorflow/tfjs';
import { detach } from '../train/detach';

/** The teacher side of a loss: same values, no gradient (a frozen teacher, or a peer taken as fixed). */
export function constant<T extends tf.Tensor>(x: T): T {
  return detach(x);
}

/** [batch, ...] → [batch, features]. */
export function flattenPerSample(x: tf.Tensor): tf.Tensor2D {
  if (x.rank === 2) return x as tf.Tensor2D;
  return tf.reshape(x, [x.shape[0], -1]);
}

/**
 * x / max(‖x‖₂, eps) along `axis` (PyTorch's F.normalize, eps 1e-12): a zero vector stays zero
 * instead of becoming NaN.
 */
export function l2Normalize<T extends tf.Tensor>(x: T, axis = -1, eps = 1e-12): T {
  // max(‖x‖, eps) taken as sqrt(max(‖x‖², eps²)): the same value, but the gradient of sqrt at a
  // zero vector (a dead ReLU channel) would be 0/0 = NaN.
  const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), eps * eps));
  return tf.div(x, norm) as T;
}

/** Gram matrix F·Fᵀ of the rows of a [batch, features] matrix. */
export function gram(x: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(x, x, false, true);
}

/**
 * Smooth-L1 (Huber with δ = 1, PyTorch's F.smooth_l1_loss): 0.5·d² where |d| < 1, else |d| − 0.5;
 * elementwise. Written as 0.5·m² + (|d| − m) with m = min(|d|, 1), like tf.losses.huberLoss: a
 * comparison op on the gradient path would stop backpropagation (comparisons have no gradient).
 */
export function smoothL1(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const abs = tf.abs(tf.sub(a, b));
  const m = tf.minimum(abs, 1);
  return tf.add(tf.mul(0.5, tf.square(m)), tf.sub(abs, m));
}

/** 1 where x > 0, else 0, as float32; built with tf.step, whose gradient is zero, so it may sit on a gradient path. */
export function positive(x: tf.Tensor): tf.Tensor {
  return tf.step(x, 0);
}

/**
 * The [out, in] matrix of 1-D adaptive average pooling (PyTorch's adaptive_avg_pool): output cell i
 * averages input cells floor(i·in/out) … ceil((i+1)·in/out) − 1.
 */
export function adaptivePoolMatrix(inSize: number, outSize: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    const row = new Array<number>(inSize).fill(0);
    for (let p = start; p < end; p++) row[p] = 1 / (end - start);
    rows.push(row);
  }
  return rows;
}

/** Left-multiplies axis `axis` (1 = height, 2 = width) of an NHWC tensor by `matrix` [out, in]. */
function poolAxis(x: tf.Tensor4D, axis: 1 | 2, matrix: number[][]): tf.Tensor4D {
  const perm = axis === 1 ? [1, 0, 2, 3] : [2, 0, 1, 3];
  const moved = tf.transpose(x, perm);
  const [n, ...rest] = moved.shape;
  const pooled = tf.matMul(tf.tensor2d(matrix), tf.reshape(moved, [n, -1]) as tf.Tensor2D);
  const back = axis === 1 ? [1, 0, 2, 3] : [1, 2, 0, 3];
  return tf.transpose(tf.reshape(pooled, [matrix.length, ...rest]), back);
}

/**
 * Adaptive average pooling of an NHWC feature map to [height, width] (each no larger than the
 * input's). Integer ratios use one average pool; other ratios pool each axis with a matrix, so
 * both have gradients on every backend.
 */
export function adaptiveAvgPool(x: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (height > h || width > w) throw new Error(`cannot pool a ${h}×${w} map up to ${height}×${width}`);
  if (h === height && w === width) return x;
  if (h % height === 0 && w % width === 0) {
    const pool: [number, number] = [h / height, w / width];
    return tf.avgPool(x, pool, pool, 'valid');
  }
  let out = x;
  if (h !== height) out = poolAxis(out, 1, adaptivePoolMatrix(h, height));
  if (w !== width) out = poolAxis(out, 2, adaptivePoolMatrix(w, width));
  return out;
}

/** Pools the larger of two NHWC maps (per axis) down to the smaller one's height and width. */
export function matchSpatial(a: tf.Tensor4D, b: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
  const height = Math.min(a.shape[1], b.shape[1]);
  const width = Math.min(a.shape[2], b.shape[2]);
  return [adaptiveAvgPool(a, height, width), adaptiveAvgPool(b, height, width)];
}

/** A scalar zero that is still connected to `x` (so a gradient of zeros flows back to it). */
export function zeroLike(x: tf.Tensor): tf.Scalar {
  return tf.mul(tf.sum(x), 0) as tf.Scalar;
}
