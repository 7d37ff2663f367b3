// Plain-text tables for the terminal: a run's summary, runs side by side. Numbers go through the
// shared formatter, so the terminal shows them as the editor does.
import type { ModelMetrics, RunSummary } from '../protocol/events';
import {
  DASH,
  formatBytes,
  formatCount,
  formatDuration,
  formatMs,
  formatNumber,
  formatPercent,
  formatPoints,
  formatRatio,
} from '../shared/format';
import { productWord, stageWord, trainedHere, trainsAlone } from '../shared/modelLabels';
import { speedupText } from '../shared/speedup';

/** Left-aligned first column, right-aligned others. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '))
    .join('\n');
}

function modelRow(name: string, m: ModelMetrics): string[] {
  return [
    name,
    formatPercent(m.best.test),
    // A model loaded or reused was not trained in the run: no epoch.
    trainedHere(m) ? `${m.best.epoch}` : '—',
    formatPercent(m.last.test),
    formatPercent(m.best.val),
    formatCount(m.summary.params),
    formatCount(m.summary.macs),
    formatBytes(m.summary.bytes),
    m.latencyIqrMs === undefined ? formatMs(m.latencyMs) : `${formatMs(m.latencyMs)} ± ${formatMs(m.latencyIqrMs)}`,
  ];
}

/**
 * The per-model table and the distillation figures of one run. `alone`: the run trained its model
 * with no teacher (a teacher cell), so that model is named the teacher; from its config where known.
 */
export function formatSummary(summary: RunSummary, alone = trainsAlone(undefined, summary)): string {
  const header = [
    'model',
    'test acc (best val)',
    'epoch',
    'test acc (last)',
    'val acc',
    'params',
    'MACs',
    'size',
    'latency',
  ];
  const distilled = Object.values(summary.models).some((m) => m.role === 'teacher');
  const rows = Object.entries(summary.models).map(([stage, m]) => {
    const name = stageWord(stage, alone);
    return modelRow(stage === summary.product && distilled ? `${name} (distilled)` : name, m);
  });
  const lines = [
    `${summary.experiment}  run ${summary.runId}  ${summary.status}  ${formatDuration(summary.durationMs)}  backend ${summary.backend}`,
    rows.length > 0 ? table([header, ...rows]) : '(no model finished)',
  ];
  const facts: string[] = [];
  if (summary.kdGain !== undefined) facts.push(`KD gain over baseline: ${formatPoints(summary.kdGain)}`);
  if (summary.agreement !== undefined) facts.push(`top-1 agreement with teacher: ${formatPercent(summary.agreement)}`);
  if (summary.klTeacherStudent !== undefined)
    facts.push(`KL(teacher‖student): ${formatNumber(summary.klTeacherStudent)}`);
  if (summary.compressionRatio !== undefined) facts.push(`compression: ${formatRatio(summary.compressionRatio)}`);
  const speedup = speedupText(summary);
  if (speedup) facts.push(`speed-up: ${speedup}`);
  if (facts.length) lines.push(facts.join('   '));
  if (summary.reference && facts.length) lines.push(`(teacher figures are against ${summary.reference.label})`);
  if (summary.error) lines.push(`error: ${summary.error}`);
  return lines.join('\n');
}

/** Several runs side by side, one column each. */
export function formatComparison(summaries: RunSummary[]): string {
  const product = (s: RunSummary) => s.models[s.product];
  const baseline = (s: RunSummary) => s.models.baseline;
  const teacher = (s: RunSummary) => Object.values(s.models).find((m) => m.role === 'teacher');
  const rows: [string, (s: RunSummary) => string][] = [
    ['status', (s) => s.status],
    // What each run's product is: a teacher cell's is the teacher it trained.
    ['model', (s) => (trainsAlone(undefined, s) ? productWord(true) : `${productWord(false)} (distilled)`)],
    ['teacher acc', (s) => formatPercent(teacher(s)?.best.test)],
    ['baseline acc', (s) => formatPercent(baseline(s)?.best.test)],
    ['model acc (best val)', (s) => formatPercent(product(s)?.best.test)],
    ['model acc (last)', (s) => formatPercent(product(s)?.last.test)],
    ['KD gain', (s) => formatPoints(s.kdGain)],
    ['agreement', (s) => formatPercent(s.agreement)],
    ['KL(t‖s)', (s) => formatNumber(s.klTeacherStudent)],
    ['model params', (s) => formatCount(product(s)?.summary.params)],
    ['model MACs', (s) => formatCount(product(s)?.summary.macs)],
    ['compression', (s) => formatRatio(s.compressionRatio)],
    ['speed-up', (s) => speedupText(s) ?? DASH],
    ['duration', (s) => formatDuration(s.durationMs)],
  ];
  return table([
    ['', ...summaries.map((s) => s.experiment)],
    ['run', ...summaries.map((s) => s.runId)],
    ...rows.map(([label, f]) => [label, ...summaries.map(f)]),
  ]);
}
