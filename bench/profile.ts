// The kernels of one warm training step, by total time. wasm runs kernels synchronously, so the
// times tf.profile records are real; they guide which kernels are worth replacing.
import * as tf from '@tensorflow/tfjs';
import { FUSED_ADAM_KERNEL } from '../src/engine/backend/fusedAdam';
import { withWarmWorkload, type PairSpec } from './kdStep';

export interface StepProfile {
  pair: string;
  teacher: 'live' | 'cached';
  backend: string;
  wallMs: number;
  kernelMs: number;
  kernelLaunches: number;
  /** The optimizer's share of the kernel time (the fused Adam runs one kernel per variable). */
  optimizerShare: number;
  top: { name: string; ms: number; calls: number }[];
}

export function profileStep(spec: PairSpec, cached: boolean, warmup = 3): Promise<StepProfile> {
  return withWarmWorkload(spec, { cached, warmup }, async (warm) => {
    const started = performance.now();
    const info = await tf.profile(() => {
      warm.step(0);
    });
    return summarise(spec, cached, info, performance.now() - started);
  });
}

function summarise(
  spec: PairSpec,
  cached: boolean,
  info: Awaited<ReturnType<typeof tf.profile>>,
  wallMs: number,
): StepProfile {
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    // Ops that wrap kernels (names ending in __op) would count their kernels twice.
    if (k.name.endsWith('__op')) continue;
    const entry = byName.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(k.kernelTimeMs);
    entry.calls++;
    byName.set(k.name, entry);
  }
  const kernels = [...byName.entries()]
    .map(([name, e]) => ({ name, ms: Math.round(e.ms * 100) / 100, calls: e.calls }))
    .sort((a, b) => b.ms - a.ms);
  const kernelMs = kernels.reduce((s, k) => s + k.ms, 0);
  const optimizerMs = byName.get(FUSED_ADAM_KERNEL)?.ms ?? 0;
  return {
    pair: spec.name,
    teacher: cached ? 'cached' : 'live',
    backend: tf.getBackend(),
    wallMs,
    kernelMs,
    kernelLaunches: info.kernels.filter((k) => !k.name.endsWith('__op')).length,
    optimizerShare: kernelMs > 0 ? Math.round((optimizerMs / kernelMs) * 1000) / 1000 : 0,
    top: kernels.slice(0, 14),
  };
}
