// A run's speed-up (its teacher's latency over its product's) comes from its summary alone: the engine
// measured both latencies with their spread and leaves the ratio out, flagged, when the difference is
// within that spread. No view divides latencies itself; each shows the summary's ratio or "within noise".
import type { RunSummary } from '../protocol/events';
import { formatRatio } from './format';

/** What a speed-up reads when the summary found the latencies within their spread. */
export const WITHIN_NOISE = 'within noise';

/** The summary's two speed-up fields (a run summary, or a view's copy of them). */
export type SpeedupFacts = Partial<Pick<RunSummary, 'speedup' | 'speedupWithinNoise'>>;

export type Speedup = { ratio: number } | { withinNoise: true };

/** The summary's speed-up: a ratio, "within noise", or undefined (no summary yet, or no teacher to compare). */
export function summarySpeedup(facts: SpeedupFacts | undefined): Speedup | undefined {
  if (facts?.speedup !== undefined && Number.isFinite(facts.speedup)) return { ratio: facts.speedup };
  if (facts?.speedupWithinNoise === true) return { withinNoise: true };
  return undefined;
}

/** The summary's ratio, where it measured one beyond the noise. */
export function speedupRatio(facts: SpeedupFacts | undefined): number | undefined {
  const speedup = summarySpeedup(facts);
  return speedup && 'ratio' in speedup ? speedup.ratio : undefined;
}

/** "2.4×", "within noise", or undefined. */
export function speedupText(facts: SpeedupFacts | undefined): string | undefined {
  const speedup = summarySpeedup(facts);
  if (!speedup) return undefined;
  return 'ratio' in speedup ? formatRatio(speedup.ratio) : WITHIN_NOISE;
}
