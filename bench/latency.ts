// How well latency is measured: two models of one architecture (different seeds) timed as a run
// times its models (shuffled rounds, lower quartile and interquartile range, one process, one thread count).
// Goal: their medians within a few percent, and no speed-up claimed between them.
import { buildModel, measureLatencies, significantRatio } from '../src/engine/models';
import { HINTON_MLP, LENET_PAIR, type PairSpec } from './kdStep';

export interface LatencyAgreement {
  pair: string;
  model: 'student' | 'teacher';
  /** Each model's latency (the lower quartile of its rounds). */
  ms: [number, number];
  iqrMs: [number, number];
  /** |a − b| / mean, in percent. */
  differencePct: number;
  /** The speed-up a summary would claim between the two (none when the difference is within the spread). */
  claimedSpeedup: number | null;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

export function measureLatencyAgreement(specs: PairSpec[] = [HINTON_MLP, LENET_PAIR]): LatencyAgreement[] {
  const out: LatencyAgreement[] = [];
  for (const spec of specs) {
    for (const which of ['student', 'teacher'] as const) {
      const ctx = { inputShape: spec.inputShape, classes: spec.classes, name: which };
      const a = buildModel(spec[which], { ...ctx, seed: 1 }).model;
      const b = buildModel(spec[which], { ...ctx, seed: 2 }).model;
      const [la, lb] = measureLatencies([a, b], spec.inputShape);
      out.push({
        pair: spec.name,
        model: which,
        ms: [round(la.ms, 4), round(lb.ms, 4)],
        iqrMs: [round(la.iqrMs, 4), round(lb.iqrMs, 4)],
        differencePct: round((200 * Math.abs(la.ms - lb.ms)) / (la.ms + lb.ms), 2),
        claimedSpeedup: significantRatio(la, lb) ?? null,
      });
      a.dispose();
      b.dispose();
    }
  }
  return out;
}
