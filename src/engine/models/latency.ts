import * as tf from '@tensorflow/tfjs';

const WARMUP_RUNS = 3;

/**
 * Median wall time in milliseconds of one single-example prediction, after a few warm-up runs
 * (the first calls compile kernels and allocate). Reading the result back makes the time include
 * the computation on asynchronous backends.
 */
export function measureLatencyMs(model: tf.LayersModel, inputShape: number[], runs = 20): number {
  const input = tf.zeros([1, ...inputShape]);
  const once = (): number => {
    const start = performance.now();
    tf.tidy(() => {
      const out = model.predict(input);
      for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    });
    return performance.now() - start;
  };
  try {
    for (let i = 0; i < WARMUP_RUNS; i += 1) once();
    const times = Array.from({ length: Math.max(1, runs) }, once).sort((a, b) => a - b);
    const mid = times.length >> 1;
    return times.length % 2 === 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  } finally {
    input.dispose();
  }
}
