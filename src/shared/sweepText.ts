// How a group of seeds reads everywhere (CLI, Runs tree, comparison view): accuracy as mean ± std,
// and the paired KD gain as "+1.20 ± 0.40 pts (95% CI 0.30–2.10, n = 3)".
import type { MetricStats, SweepProgress } from '../protocol/sweep';
import { DASH, formatPercent, formatPoints } from './format';

function pointsNumber(x: number): string {
  return formatPoints(x).replace(/ pts$/, '');
}

/** A confidence interval in points: "0.30–2.10", or "−0.50 to 2.10" when a bound is negative. */
export function formatInterval(lo: number, hi: number): string {
  const a = pointsNumber(lo).replace(/^\+/, '');
  const b = pointsNumber(hi).replace(/^\+/, '');
  return lo < 0 || hi < 0 ? `${a} to ${b}` : `${a}–${b}`;
}

/** "+1.20 ± 0.40 pts (95% CI 0.30–2.10, n = 3)". */
export function formatGain(gain: MetricStats | undefined): string {
  if (!gain) return DASH;
  const ci = gain.ci95 ? `95% CI ${formatInterval(gain.ci95[0], gain.ci95[1])}, ` : '';
  return `${pointsNumber(gain.mean)} ± ${(gain.std * 100).toFixed(2)} pts (${ci}n = ${gain.n})`;
}

/** "97.12% ± 0.31" (the std in points). */
export function formatMeanStd(stats: MetricStats | undefined): string {
  if (!stats) return DASH;
  return stats.n > 1 ? `${formatPercent(stats.mean)} ± ${(stats.std * 100).toFixed(2)}` : formatPercent(stats.mean);
}

/** "5/12 done · 2 running · 4 queued · 1 failed". */
export function formatProgress(p: SweepProgress): string {
  const parts = [`${p.done}/${p.total} done`];
  if (p.running) parts.push(`${p.running} running`);
  if (p.queued) parts.push(`${p.queued} queued`);
  if (p.failed) parts.push(`${p.failed} failed`);
  if (p.stopped) parts.push(`${p.stopped} stopped`);
  return parts.join(' · ');
}
