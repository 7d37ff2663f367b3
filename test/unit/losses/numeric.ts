// Test helpers: seeded arrays, tensors from them, tolerance checks and central finite differences
// of float64 reference functions.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';

/** A flat row-major array with its shape. */
export interface Arr {
  shape: number[];
  data: number[];
}

/** mulberry32: reproducible uniforms in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArr(shape: number[], seed: number, low = -1, high = 1): Arr {
  const next = rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Array.from({ length: size }, () => low + (high - low) * next()) };
}

/** Values rounded to float32, so the float64 reference sees exactly what the tensor holds. */
export function f32(a: Arr): Arr {
  return { shape: a.shape, data: Array.from(Float32Array.from(a.data)) };
}

export function tensor(a: Arr): tf.Tensor {
  return tf.tensor(a.data, a.shape, 'float32');
}

export function rows(a: Arr): number[][] {
  const [b, d] = [a.shape[0], a.data.length / a.shape[0]];
  return Array.from({ length: b }, (_, i) => a.data.slice(i * d, (i + 1) * d));
}

export function oneHot(indices: number[], classes: number): Arr {
  const data: number[] = [];
  for (const i of indices) for (let k = 0; k < classes; k++) data.push(k === i ? 1 : 0);
  return { shape: [indices.length, classes], data };
}

export function assertClose(actual: number, expected: number, tolerance: number, what = 'value'): void {
  assert.ok(Number.isFinite(actual), `${what}: got ${actual}`);
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} differs from ${expected} by more than ${tolerance}`,
  );
}

/** |a − e| ≤ atol + rtol·max|e| for every element. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
  what = 'values',
): void {
  assert.strictEqual(actual.length, expected.length, `${what}: lengths differ`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const tolerance = atol + rtol * scale;
    assert.ok(Number.isFinite(actual[i]), `${what}[${i}] is ${actual[i]}`);
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]} (tolerance ${tolerance})`,
    );
  }
}

/** Central differences of a float64 function of a flat array, step h. */
export function finiteDifferences(f: (x: number[]) => number, x: number[], h = 1e-6): number[] {
  return x.map((_, i) => {
    const plus = x.slice();
    const minus = x.slice();
    plus[i] += h;
    minus[i] -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/** The value of a scalar-valued TF.js computation, with every intermediate freed. */
export function scalarOf(f: () => tf.Scalar): number {
  return tf.tidy(() => f().dataSync()[0]);
}

/** d f / d x at `x` (float32), through tf.grad. */
export function gradientOf(f: (x: tf.Tensor) => tf.Scalar, x: Arr): number[] {
  return tf.tidy(() => Array.from(tf.grad(f)(tensor(x)).dataSync()));
}

/**
 * Checks the TF.js gradient of `f` at `x` against central differences of the float64 reference `ref`
 * (which must compute the same function of the flat data).
 */
export function checkGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  ref: (data: number[]) => number,
  x: Arr,
  atol = 2e-5,
  rtol = 2e-3,
): void {
  const expected = finiteDifferences(ref, x.data);
  assert.ok(
    expected.some((g) => Math.abs(g) > 1e-6),
    'the reference gradient is identically zero: the check would prove nothing',
  );
  assertAllClose(gradientOf(f, x), expected, atol, rtol, 'gradient');
}
