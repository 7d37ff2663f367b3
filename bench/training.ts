// Training throughput: median step time of a KD pair after warm-up, and the epoch time of offline
// KD with the teacher run every step versus served from a cache of its logits.
import * as tf from '@tensorflow/tfjs';
import { iterateBatches } from '../src/engine/data';
import { FusedAdamOptimizer } from '../src/engine/backend/fusedAdam';
import {
  batchAt,
  createWorkload,
  kdStep,
  teacherSource,
  withWarmWorkload,
  type KdWorkload,
  type PairSpec,
} from './kdStep';
import { stepFlops } from './flops';

export type OptimizerVariant = 'engine' | 'fused-adam';

export interface StepOptions {
  teacher: 'live' | 'cached';
  warmup: number;
  steps: number;
  /** 'engine': the optimizer the engine creates; 'fused-adam': FusedAdamOptimizer in its place. */
  optimizer?: OptimizerVariant;
}

export interface StepMeasure {
  pair: string;
  backend: string;
  teacher: 'live' | 'cached';
  optimizer: OptimizerVariant;
  batchSize: number;
  warmup: number;
  steps: number;
  msPerStep: number;
  minMs: number;
  /** Median CPU time of the whole process per step (every thread): the cost on an idle machine. */
  cpuMsPerStep: number;
  samplesPerSecond: number;
  /** Matrix-product and convolution FLOPs of one step (teacher forward included when live). */
  flopsPerStep: number;
  gflops: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function useFusedAdam(work: KdWorkload): void {
  work.optimizer.dispose();
  work.optimizer = new FusedAdamOptimizer(1e-3, 0.9, 0.999, 1e-7);
}

/** Flops of one KD step of the workload. */
export function kdStepFlops(work: KdWorkload, liveTeacher: boolean): number {
  const batch = work.spec.batchSize;
  return stepFlops(work.student, batch, true) + (liveTeacher ? stepFlops(work.teacher, batch, false) : 0);
}

export function measureSteps(spec: PairSpec, options: StepOptions): StepMeasure {
  const optimizer = options.optimizer ?? 'engine';
  const prepare = optimizer === 'fused-adam' ? useFusedAdam : undefined;
  return withWarmWorkload(spec, { cached: options.teacher === 'cached', warmup: options.warmup, prepare }, (warm) => {
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < options.steps; i++) {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      warm.step(i);
      const used = process.cpuUsage(cpuStart);
      times.push(performance.now() - start);
      cpu.push((used.user + used.system) / 1000);
    }
    const ms = median(times);
    const flops = kdStepFlops(warm.work, options.teacher === 'live');
    return {
      pair: spec.name,
      backend: tf.getBackend(),
      teacher: options.teacher,
      optimizer,
      batchSize: spec.batchSize,
      warmup: options.warmup,
      steps: options.steps,
      msPerStep: ms,
      minMs: Math.min(...times),
      cpuMsPerStep: median(cpu),
      samplesPerSecond: (spec.batchSize / ms) * 1e3,
      flopsPerStep: flops,
      gflops: flops / ms / 1e6,
    };
  });
}

export interface CachingMeasure {
  pair: string;
  backend: string;
  examples: number;
  batches: number;
  /** Epochs measured per mode (medians are reported). */
  rounds: number;
  /** One epoch with the teacher's forward pass in every step. */
  liveEpochMs: number;
  /** One epoch with the teacher's logits looked up from the cache. */
  cachedEpochMs: number;
  /** Running the teacher once over the training split to fill the cache (paid once per run). */
  cacheBuildMs: number;
  /** Median time of the teacher's forward pass on one batch, as the trainer calls it. */
  teacherForwardMs: number;
  /** Share of a live epoch spent in the teacher's forward pass. */
  teacherShare: number;
  /** 1 − cached/live: the share of epoch time caching saves. */
  reduction: number;
}

function epochMs(work: KdWorkload, cached: boolean, seed: number): { ms: number; buildMs: number; batches: number } {
  const size = work.spec.inputShape.reduce((a, b) => a * b, 1);
  const buildStart = performance.now();
  const teacher = teacherSource(work, cached);
  const buildMs = performance.now() - buildStart;
  let batches = 0;
  const start = performance.now();
  for (const batch of iterateBatches(work.dataset.train, size, work.spec.batchSize, seed)) {
    kdStep(work, teacher, batch);
    batches++;
  }
  const ms = performance.now() - start;
  teacher.dispose();
  return { ms, buildMs, batches };
}

/**
 * Epoch times as the trainer runs them (engine batches, engine step), live teacher versus cache.
 * The two modes alternate for `rounds` epochs each and the median of each is kept, so a change
 * in the machine's load during the measurement hits both alike.
 */
export function measureCaching(spec: PairSpec, examples: number, rounds = 3): CachingMeasure {
  const work = createWorkload(spec, examples);
  try {
    const warm = teacherSource(work, false);
    for (let i = 0; i < 3; i++) kdStep(work, warm, batchAt(work, i));
    warm.dispose();
    const live: number[] = [];
    const cached: number[] = [];
    const builds: number[] = [];
    let batches = 0;
    for (let round = 0; round < rounds; round++) {
      const a = epochMs(work, false, 2 * round + 1);
      const b = epochMs(work, true, 2 * round + 2);
      live.push(a.ms);
      cached.push(b.ms);
      builds.push(b.buildMs);
      batches = a.batches;
    }
    const size = spec.inputShape.reduce((a, b) => a * b, 1);
    const forward = teacherSource(work, false);
    const times: number[] = [];
    for (const batch of iterateBatches(work.dataset.train, size, spec.batchSize, 99)) {
      const xs = tf.tensor(batch.x, [batch.size, ...spec.inputShape]);
      const start = performance.now();
      const out = forward.forBatch(batch, xs);
      out.logits.dataSync();
      times.push(performance.now() - start);
      tf.dispose([xs, out.logits, ...Object.values(out.features)]);
    }
    forward.dispose();
    const liveEpochMs = median(live);
    const cachedEpochMs = median(cached);
    const teacherForwardMs = median(times);
    return {
      pair: spec.name,
      backend: tf.getBackend(),
      examples,
      batches,
      rounds,
      liveEpochMs,
      cachedEpochMs,
      cacheBuildMs: median(builds),
      teacherForwardMs,
      teacherShare: (teacherForwardMs * batches) / liveEpochMs,
      reduction: 1 - cachedEpochMs / liveEpochMs,
    };
  } finally {
    work.dispose();
  }
}
