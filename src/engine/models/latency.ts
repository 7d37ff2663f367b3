// CPU latency per example, measured so that two models of one architecture measure alike: every
// model of a run is timed in the same process, at the same thread count, interleaved round by round
// (so a slow moment of the machine hits all of them), after warm-up; each timing covers enough
// predictions to be well above the timer's resolution; the result is the median with its
// interquartile range, and a difference is called real only when it exceeds the spreads.
import * as tf from '@tensorflow/tfjs';

export interface Latency {
  /** Median milliseconds per single-example prediction. */
  medianMs: number;
  /** Interquartile range of the per-round measurements, in milliseconds. */
  iqrMs: number;
  rounds: number;
}

const WARMUP = 5;
const ROUNDS = 61;
/** Each round times this long (at least) of back-to-back predictions of one model. */
const ROUND_MS = 5;

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function predictOnce(model: tf.LayersModel, input: tf.Tensor): void {
  tf.tidy(() => {
    const out = model.predict(input);
    // Reading the result back makes the time include the computation on asynchronous backends.
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
  });
}

/** Measures several models together (interleaved rounds); returns their latencies in the same order. */
export function measureLatencies(models: tf.LayersModel[], inputShape: number[], rounds = ROUNDS): Latency[] {
  const input = tf.zeros([1, ...inputShape]);
  try {
    const repeats = models.map((model) => {
      for (let i = 0; i < WARMUP; i++) predictOnce(model, input);
      const start = performance.now();
      predictOnce(model, input);
      const once = Math.max(performance.now() - start, 1e-3);
      return Math.min(1000, Math.max(1, Math.ceil(ROUND_MS / once)));
    });
    const samples: number[][] = models.map(() => []);
    const order = models.map((_, m) => m);
    for (let r = 0; r < rounds; r++) {
      // Every other round in reverse, so no model always runs right after another one.
      for (const m of r % 2 === 0 ? order : [...order].reverse()) {
        const start = performance.now();
        for (let i = 0; i < repeats[m]; i++) predictOnce(models[m], input);
        samples[m].push((performance.now() - start) / repeats[m]);
      }
    }
    return samples.map((times) => {
      const sorted = [...times].sort((a, b) => a - b);
      return { medianMs: quantile(sorted, 0.5), iqrMs: quantile(sorted, 0.75) - quantile(sorted, 0.25), rounds };
    });
  } finally {
    input.dispose();
  }
}

/** Median milliseconds of one single-example prediction (one model alone). */
export function measureLatencyMs(model: tf.LayersModel, inputShape: number[], rounds = 11): number {
  return measureLatencies([model], inputShape, rounds)[0].medianMs;
}

/** a / b when the two latencies differ by more than their spreads together; undefined when the difference is noise. */
export function significantRatio(a: Latency, b: Latency): number | undefined {
  return Math.abs(a.medianMs - b.medianMs) > a.iqrMs + b.iqrMs ? a.medianMs / b.medianMs : undefined;
}
