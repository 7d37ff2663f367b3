import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';

/** Deterministic values in [-1, 1) (a small LCG), so failures reproduce. */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what: string,
): void {
  assert.strictEqual(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const bound = tolerance * Math.max(1, Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
      assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (±${bound})`);
    }
  }
}

/** Runs `f` with `backend` active and returns its result's values; the tensors it makes are freed. */
export async function on(backend: string, f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => f().dataSync() as Float32Array);
}

/** TF's 'same' padding: the total padding is split with the extra pixel at the end. */
export function samePadding(inSize: number, kernel: number, stride: number): { before: number; out: number } {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + kernel - inSize, 0);
  return { before: Math.floor(total / 2), out };
}

/**
 * Trains two variables on a fixed quadratic-plus-cross-term loss, alternating the two ways
 * gradients reach an optimizer (minimize with a variable list passes an array; variableGrads a
 * map); returns their final values. Sizes 15 and 7 are not multiples of 4, so an update that works
 * four floats at a time also runs its remainder.
 */
export function trainQuadratic(optimizer: tf.Optimizer, steps: number): Float32Array[] {
  const a = tf.variable(tf.tensor2d(values(15, 1), [3, 5]), true, `a_${optimizer.constructor.name}_${Math.random()}`);
  const b = tf.variable(tf.tensor1d(values(5, 2)), true, `b_${optimizer.constructor.name}_${Math.random()}`);
  const c = tf.variable(tf.tensor1d(values(7, 5)), true, `c_${optimizer.constructor.name}_${Math.random()}`);
  const target = tf.tensor2d(values(15, 3), [3, 5]);
  const loss = () =>
    tf.addN([
      tf.sum(tf.square(tf.sub(tf.add(a, b), target))),
      tf.mul(0.3, tf.sum(tf.mul(a, a))),
      tf.sum(tf.mul(tf.square(c), tf.range(1, 8))),
    ]) as tf.Scalar;
  for (let i = 0; i < steps; i++) {
    if (i % 2 === 0) {
      optimizer.minimize(loss, false, [a, b, c]);
    } else {
      const { value, grads } = tf.variableGrads(loss, [a, b, c]);
      optimizer.applyGradients(grads);
      tf.dispose([value, ...Object.values(grads)]);
    }
  }
  const out = [a, b, c].map((v) => Float32Array.from(v.dataSync() as Float32Array));
  tf.dispose([a, b, c, target]);
  return out;
}
