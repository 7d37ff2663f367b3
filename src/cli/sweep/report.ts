// Renders a comparison (runs and their groups) for the terminal, CSV and a pull request (Markdown).
// Accuracies are fractions in the data and percent or points on screen.
import type { Comparison, MetricStats, RunGroup } from '../../protocol/sweep';
import { formatPercent } from '../../shared/format';
import { formatGain, formatMeanStd } from '../../shared/sweepText';
import { table } from '../tables';

const pctOf = (v: number) => formatPercent(v);
const accuracy = formatMeanStd;
export const gainSentence = formatGain;

function plain(stats: MetricStats | undefined, digits = 0): string {
  return stats ? stats.mean.toFixed(digits) : '—';
}

function paramValue(value: unknown): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(4))) : JSON.stringify(value);
}

function paramKeys(groups: readonly RunGroup[]): string[] {
  return [...new Set(groups.flatMap((g) => Object.keys(g.params)))];
}

const COLUMNS: [string, (g: RunGroup) => string][] = [
  ['n', (g) => String(g.n)],
  ['student acc (best val)', (g) => accuracy(g.metrics['student.best.test'])],
  ['student acc (last)', (g) => accuracy(g.metrics['student.last.test'])],
  ['baseline acc', (g) => accuracy(g.metrics['baseline.best.test'])],
  ['KD gain', (g) => gainSentence(g.metrics.kdGain)],
  ['agreement', (g) => (g.metrics.agreement ? pctOf(g.metrics.agreement.mean) : '—')],
  ['params', (g) => plain(g.metrics.params)],
];

export function groupsTable(comparison: Comparison): string {
  const keys = paramKeys(comparison.groups);
  if (comparison.groups.length === 0) return 'no finished runs to compare';
  return table([
    [...(keys.length ? keys : ['setting']), ...COLUMNS.map(([h]) => h)],
    ...comparison.groups.map((g, i) => [
      ...(keys.length ? keys.map((k) => paramValue(g.params[k])) : [String(i + 1)]),
      ...COLUMNS.map(([, f]) => f(g)),
    ]),
  ]);
}

/** A table to paste into a pull request; a KD gain whose CI excludes 0 is in bold. */
export function groupsMarkdown(comparison: Comparison): string {
  const keys = paramKeys(comparison.groups);
  const header = [...(keys.length ? keys.map((k) => `\`${k}\``) : ['setting']), ...COLUMNS.map(([h]) => h)];
  const rows = comparison.groups.map((g, i) => [
    ...(keys.length ? keys.map((k) => paramValue(g.params[k])) : [String(i + 1)]),
    ...COLUMNS.map(([h, f]) => (h === 'KD gain' && g.metrics.kdGain?.excludesZero ? `**${f(g)}**` : f(g))),
  ]);
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i < Math.max(1, keys.length) ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    'Accuracies: test accuracy at the best-validation epoch, mean ± sample std over seeds. KD gain: distilled student minus the baseline of the same seed (paired), in points; 95% CI by Student t; bold where it excludes 0.',
  ];
  const failed = comparison.runs.filter((r) => r.status !== 'done');
  if (failed.length) lines.push('', `Not included: ${failed.map((r) => `${r.runId} (${r.status})`).join(', ')}.`);
  return lines.join('\n');
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One row per group; every metric as mean, std, min, max, ci95 low and high. */
export function groupsCsv(comparison: Comparison): string {
  const keys = paramKeys(comparison.groups);
  const metrics = [...new Set(comparison.groups.flatMap((g) => Object.keys(g.metrics)))].sort();
  const header = [
    ...keys,
    'n',
    ...metrics.flatMap((m) => ['mean', 'std', 'min', 'max', 'ci95_low', 'ci95_high'].map((s) => `${m}.${s}`)),
  ];
  const rows = comparison.groups.map((g) => [
    ...keys.map((k) => (typeof g.params[k] === 'string' ? String(g.params[k]) : JSON.stringify(g.params[k] ?? null))),
    String(g.n),
    ...metrics.flatMap((m) => {
      const s = g.metrics[m];
      return s
        ? [s.mean, s.std, s.min, s.max, s.ci95?.[0], s.ci95?.[1]].map((v) => (v === undefined ? '' : String(v)))
        : ['', '', '', '', '', ''];
    }),
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n');
}
