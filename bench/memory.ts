// Memory over a long run of steps: the TF.js tensor count must not grow (a leak of one tensor per
// step is a leak of gigabytes per run) and the resident set must level off after warm-up.
import * as tf from '@tensorflow/tfjs';
import { batchAt, createWorkload, kdStep, teacherSource, type PairSpec } from './kdStep';

export interface MemoryMeasure {
  pair: string;
  backend: string;
  steps: number;
  warmupSteps: number;
  tensorsAfterFirstStep: number;
  tensorsAfterLastStep: number;
  /** Resident set size (MiB) after the warm-up steps, at the end, and the process's peak. */
  rssAfterWarmupMiB: number;
  rssLastMiB: number;
  peakRssMiB: number;
  /** Growth of the resident set from warm-up to the end, MiB. */
  rssGrowthMiB: number;
  /** Resident set sampled every `sampleEvery` steps (MiB). */
  sampleEvery: number;
  rssSamplesMiB: number[];
  tensorSamples: number[];
}

const MIB = 1024 * 1024;

/** Warm-up is the first fifth of the steps (at least 100): heaps grow in steps early on and then settle. */
export function measureMemory(
  spec: PairSpec,
  steps: number,
  warmup = Math.max(100, Math.round(steps / 5)),
  sampleEvery = 100,
): MemoryMeasure {
  const work = createWorkload(spec, spec.batchSize * 16);
  const teacher = teacherSource(work, false);
  try {
    let tensorsAfterFirstStep = 0;
    let rssAfterWarmup = 0;
    const rssSamples: number[] = [];
    const tensorSamples: number[] = [];
    for (let i = 1; i <= steps; i++) {
      kdStep(work, teacher, batchAt(work, i));
      if (i === 1) tensorsAfterFirstStep = tf.memory().numTensors;
      if (i === warmup) rssAfterWarmup = process.memoryUsage().rss / MIB;
      if (i % sampleEvery === 0) {
        rssSamples.push(Math.round((process.memoryUsage().rss / MIB) * 10) / 10);
        tensorSamples.push(tf.memory().numTensors);
      }
    }
    const rssLast = process.memoryUsage().rss / MIB;
    return {
      pair: spec.name,
      backend: tf.getBackend(),
      steps,
      warmupSteps: warmup,
      tensorsAfterFirstStep,
      tensorsAfterLastStep: tf.memory().numTensors,
      rssAfterWarmupMiB: rssAfterWarmup,
      rssLastMiB: rssLast,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      rssGrowthMiB: rssLast - rssAfterWarmup,
      sampleEvery,
      rssSamplesMiB: rssSamples,
      tensorSamples,
    };
  } finally {
    teacher.dispose();
    work.dispose();
  }
}
