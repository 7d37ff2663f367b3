// Turns the grouped statistics of `kd compare --format json` into the table a reproduction prints:
// each published figure next to what was measured here, at the last epoch and at the epoch chosen
// on validation data (never on the test set), as mean ± std over seeds, with the paired KD gain.
import { formatGain as formatSharedGain } from '../../src/shared/sweepText';
import type { PublishedRow, Recipe } from './recipes';

export interface Stats {
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  ci95?: [number, number];
  excludesZero?: boolean;
}

export interface Group {
  params: Record<string, unknown>;
  n: number;
  runDirs: string[];
  metrics: Record<string, Stats>;
}

/** What one cell produced: its groups (one per swept setting) and the size of its test set. */
export interface CellResult {
  groups: Group[];
  testSize: number;
}

export interface MeasuredRow {
  label: string;
  published?: number;
  /** In the recipe's unit (errors, or accuracy in percent). */
  last?: Stats;
  best?: Stats;
  n: number;
  /** Examples in the test set the row was measured on. */
  testSize?: number;
  /** Distilled minus alone, per seed, at the best-validation epochs (a fraction). */
  kdGain?: Stats;
  /** Why a row has no measurement. */
  missing?: string;
}

/** The loss types of a group's swept loss list, e.g. ["ce", "kd"]. */
function lossTypes(group: Group): string[] {
  const losses = group.params['distill.losses'];
  if (!Array.isArray(losses)) return [];
  return losses.map((l) => (typeof l === 'object' && l !== null ? String((l as { type?: unknown }).type) : ''));
}

/** The group of a cell a row reads: the first, or for a sweep over losses the row's method. */
export function groupFor(row: PublishedRow, cell: CellResult): Group | undefined {
  if (row.method === undefined) return cell.groups[0];
  return cell.groups.find((g) => lossTypes(g).slice(1).includes(row.method!));
}

/** An accuracy statistic in the recipe's unit: a linear map, so mean, std and interval map alike. */
function inUnit(stats: Stats | undefined, unit: Recipe['unit'], testSize: number): Stats | undefined {
  if (!stats) return undefined;
  const f = unit === 'errors' ? (x: number) => (1 - x) * testSize : (x: number) => x * 100;
  const [lo, hi] = [f(stats.min), f(stats.max)].sort((a, b) => a - b);
  return { n: stats.n, mean: f(stats.mean), std: stats.std * (unit === 'errors' ? testSize : 100), min: lo, max: hi };
}

export function measureRows(recipe: Recipe, rows: PublishedRow[], cells: Map<string, CellResult>): MeasuredRow[] {
  return rows.map((row) => {
    const cell = cells.get(row.cell);
    const base = { label: row.label, published: row.published, n: 0 };
    if (!cell) return { ...base, missing: `cell "${row.cell}" was not run` };
    const group = groupFor(row, cell);
    if (!group)
      return { ...base, missing: `no finished run of "${row.cell}"${row.method ? ` for ${row.method}` : ''}` };
    const last = inUnit(group.metrics[`${row.model}.last.test`], recipe.unit, cell.testSize);
    const best = inUnit(group.metrics[`${row.model}.best.test`], recipe.unit, cell.testSize);
    if (!last || !best) return { ...base, missing: `the runs of "${row.cell}" have no ${row.model}` };
    const kdGain = row.model === 'student' ? group.metrics.kdGain : undefined;
    return { ...base, n: group.n, testSize: cell.testSize, last, best, kdGain };
  });
}

function formatStat(stats: Stats | undefined, unit: Recipe['unit']): string {
  if (!stats) return '—';
  const digits = unit === 'errors' ? 0 : 2;
  const mean = stats.mean.toFixed(digits);
  return stats.n > 1 ? `${mean} ± ${stats.std.toFixed(digits)}` : mean;
}

/** The shared form ("+0.50 ± 0.10 pts (95% CI 0.25–0.75, n = 3)"), marked * when the interval excludes 0. */
export function formatGain(gain: Stats | undefined): string {
  if (!gain) return '';
  return `${formatSharedGain(gain)}${gain.excludesZero ? ' *' : ''}`;
}

/** How far the best-validation mean lands from the published figure, in the recipe's unit. */
export function formatDistance(row: MeasuredRow, unit: Recipe['unit']): string {
  if (row.published === undefined || !row.best) return '—';
  // Published errors are out of the full 10,000 test digits; a slice's count is not comparable.
  if (unit === 'errors' && row.testSize !== 10_000) return `— (${row.testSize ?? '?'} test)`;
  const d = row.best.mean - row.published;
  const text = Math.abs(d).toFixed(unit === 'errors' ? 0 : 2);
  return `${d < 0 ? '−' : '+'}${text}`;
}

/** A Markdown table: paste it into a README or a pull request. */
export function markdownTable(recipe: Recipe, rows: MeasuredRow[]): string {
  const unit = recipe.unit === 'errors' ? 'test errors' : 'test accuracy %';
  const lines = [
    `| model | published | last epoch (${unit}) | best-validation epoch (${unit}) | vs published | n | KD gain, best-validation |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const row of rows) {
    const published = row.published === undefined ? '—' : String(row.published);
    if (row.missing) {
      lines.push(`| ${row.label} | ${published} | ${row.missing} | | | | |`);
      continue;
    }
    lines.push(
      `| ${row.label} | ${published} | ${formatStat(row.last, recipe.unit)} | ${formatStat(row.best, recipe.unit)} | ${formatDistance(row, recipe.unit)} | ${row.n} | ${formatGain(row.kdGain)} |`,
    );
  }
  return lines.join('\n');
}
