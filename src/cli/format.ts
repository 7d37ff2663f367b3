// Plain-text tables and numbers for the terminal.
import type { ModelMetrics, RunSummary } from '../protocol/events';

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : `${(value * 100).toFixed(2)}%`;
}

export function signedPoints(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  const points = value * 100;
  return `${points >= 0 ? '+' : ''}${points.toFixed(2)} pts`;
}

export function compact(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(value);
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

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
    pct(m.best.test),
    `${m.best.epoch}`,
    pct(m.last.test),
    pct(m.best.val),
    compact(m.summary.params),
    compact(m.summary.macs),
    `${(m.summary.bytes / 1024).toFixed(0)} KiB`,
    m.latencyIqrMs === undefined
      ? `${m.latencyMs.toFixed(3)} ms`
      : `${m.latencyMs.toFixed(3)} ± ${m.latencyIqrMs.toFixed(3)} ms`,
  ];
}

/** The per-model table and the distillation figures of one run. */
export function formatSummary(summary: RunSummary): string {
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
  const rows = Object.entries(summary.models).map(([stage, m]) =>
    modelRow(stage === summary.product && distilled ? `${stage} (distilled)` : stage, m),
  );
  const lines = [
    `${summary.experiment}  run ${summary.runId}  ${summary.status}  ${duration(summary.durationMs)}  backend ${summary.backend}`,
    rows.length > 0 ? table([header, ...rows]) : '(no model finished)',
  ];
  const facts: string[] = [];
  if (summary.kdGain !== undefined) facts.push(`KD gain over baseline: ${signedPoints(summary.kdGain)}`);
  if (summary.agreement !== undefined) facts.push(`top-1 agreement with teacher: ${pct(summary.agreement)}`);
  if (summary.klTeacherStudent !== undefined) facts.push(`KL(teacher‖student): ${summary.klTeacherStudent.toFixed(4)}`);
  if (summary.compressionRatio !== undefined) facts.push(`compression: ${summary.compressionRatio.toFixed(1)}×`);
  if (summary.speedup !== undefined) facts.push(`speed-up: ${summary.speedup.toFixed(1)}×`);
  if (summary.speedupWithinNoise) facts.push('speed-up: none measurable (within the latency spread)');
  if (facts.length) lines.push(facts.join('   '));
  // Latency: median ± interquartile range, all models timed together in one process.
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
    ['teacher acc', (s) => pct(teacher(s)?.best.test)],
    ['baseline acc', (s) => pct(baseline(s)?.best.test)],
    ['student acc (best val)', (s) => pct(product(s)?.best.test)],
    ['student acc (last)', (s) => pct(product(s)?.last.test)],
    ['KD gain', (s) => signedPoints(s.kdGain)],
    ['agreement', (s) => pct(s.agreement)],
    ['KL(t‖s)', (s) => (s.klTeacherStudent === undefined ? '—' : s.klTeacherStudent.toFixed(4))],
    ['student params', (s) => (product(s) ? compact(product(s).summary.params) : '—')],
    ['student MACs', (s) => (product(s) ? compact(product(s).summary.macs) : '—')],
    ['compression', (s) => (s.compressionRatio === undefined ? '—' : `${s.compressionRatio.toFixed(1)}×`)],
    ['speed-up', (s) => (s.speedup === undefined ? '—' : `${s.speedup.toFixed(1)}×`)],
    ['duration', (s) => duration(s.durationMs)],
  ];
  return table([
    ['', ...summaries.map((s) => s.experiment)],
    ['run', ...summaries.map((s) => s.runId)],
    ...rows.map(([label, f]) => [label, ...summaries.map(f)]),
  ]);
}
