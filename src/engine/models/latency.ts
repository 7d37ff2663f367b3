// CPU latency per example, measured so that two models of one architecture measure alike: every
// model of a run is timed in the same process, at the same thread count, after warm-up, in many
// short rounds whose order is shuffled round by round (a fixed alternation measured the model listed
// second up to 5× slower on a loaded machine); the result is the lower quartile of the rounds (the
// other work of a busy machine inflates the upper rounds, rarely the lower ones) with the
// interquartile range as its spread, and a difference is called real only when it exceeds the spreads.
import * as tf from '@tensorflow/tfjs';

export interface Latency {
  /** Milliseconds per single-example prediction: the lower quartile of the rounds. */
  ms: number;
  /** Interquartile range of the per-round measurements, in milliseconds. */
  iqrMs: number;
  rounds: number;
}

const WARMUP = 20;
const ROUNDS = 201;
/** Each round times about this long of back-to-back predictions of one model: short, so most rounds escape preemption. */
const ROUND_MS = 1;
/** Single predictions timed to size the rounds; their lower quartile is used, for the same reason. */
const CALIBRATION = 15;
const REPORTED_QUANTILE = 0.25;

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** A fixed pseudo-random sequence (xorshift32): the shuffles are the same in every run. */
function shuffler(seed = 0x9e3779b9): <T>(items: T[]) => T[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
  return <T>(items: T[]) => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
}

function predictOnce(model: tf.LayersModel, input: tf.Tensor): void {
  tf.tidy(() => {
    const out = model.predict(input);
    // Reading the result back makes the time include the computation on asynchronous backends.
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
  });
}

/** Measures several models together (shuffled rounds); returns their latencies in the same order. */
export function measureLatencies(models: tf.LayersModel[], inputShape: number[], rounds = ROUNDS): Latency[] {
  const input = tf.zeros([1, ...inputShape]);
  try {
    const repeats = models.map((model) => {
      for (let i = 0; i < WARMUP; i++) predictOnce(model, input);
      const times: number[] = [];
      for (let i = 0; i < CALIBRATION; i++) {
        const start = performance.now();
        predictOnce(model, input);
        times.push(performance.now() - start);
      }
      const once = Math.max(
        quantile(
          [...times].sort((a, b) => a - b),
          0.25,
        ),
        1e-3,
      );
      return Math.min(1000, Math.max(1, Math.ceil(ROUND_MS / once)));
    });
    const samples: number[][] = models.map(() => []);
    const order = models.map((_, m) => m);
    const shuffle = shuffler();
    for (let r = 0; r < rounds; r++) {
      for (const m of shuffle(order)) {
        const start = performance.now();
        for (let i = 0; i < repeats[m]; i++) predictOnce(models[m], input);
        samples[m].push((performance.now() - start) / repeats[m]);
      }
    }
    return samples.map((times) => {
      const sorted = [...times].sort((a, b) => a - b);
      return {
        ms: quantile(sorted, REPORTED_QUANTILE),
        iqrMs: quantile(sorted, 0.75) - quantile(sorted, 0.25),
        rounds,
      };
    });
  } finally {
    input.dispose();
  }
}

/** Milliseconds of one single-example prediction (one model alone, fewer rounds). */
export function measureLatencyMs(model: tf.LayersModel, inputShape: number[], rounds = 41): number {
  return measureLatencies([model], inputShape, rounds)[0].ms;
}

/** a / b when the two latencies differ by more than their spreads together; undefined when the difference is noise. */
export function significantRatio(a: Latency, b: Latency): number | undefined {
  return Math.abs(a.ms - b.ms) > a.iqrMs + b.iqrMs ? a.ms / b.ms : undefined;
}
