// What the comparison exports: the table as CSV (raw numbers, a group's std, n and CI in their own
// columns, so the file reads back to the data) and a Markdown report for a pull request (the table,
// the best setting, the Pareto front).
import type { CompareViewModel } from '../../protocol/webview';
import { toCsv, type CsvCell } from '../csv';
import { formatCell, formatCi, formatConfigValue, formatValue } from './cells';
import { configValue, type TableColumn } from './columns';
import { METRIC_BY_KEY } from './metrics';
import type { CompareRow } from './rows';
import type { ScatterPoint } from './scatter';

export function tableCsv(rows: readonly CompareRow[], columns: readonly TableColumn[], view: CompareViewModel): string {
  const grouped = rows.some((r) => r.kind === 'group');
  const header: string[] = [];
  const getters: ((row: CompareRow) => CsvCell)[] = [];
  const add = (name: string, get: (row: CompareRow) => CsvCell) => {
    header.push(name);
    getters.push(get);
  };
  add('id', (r) => r.id);
  for (const column of columns) {
    if (column.kind === 'label') add('label', (r) => r.label);
    else if (column.kind === 'status') add('status', (r) => r.status);
    else if (column.kind === 'config')
      add(column.key.slice('config:'.length), (r) => {
        const v = configValue(r, column, view.configKeys.equal);
        return v === undefined || v === null ? undefined : typeof v === 'number' ? v : String(v);
      });
    else {
      add(column.key, (r) => r.cells[column.key]?.value);
      if (grouped) {
        add(`${column.key}.std`, (r) => r.cells[column.key]?.std);
        add(`${column.key}.n`, (r) => r.cells[column.key]?.n);
        if (column.key === 'kdGain') {
          add('kdGain.ci95.lo', (r) => r.cells.kdGain?.ci95?.[0]);
          add('kdGain.ci95.hi', (r) => r.cells.kdGain?.ci95?.[1]);
        }
      }
    }
  }
  return toCsv(
    header,
    rows.map((row) => getters.map((g) => g(row))),
  );
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdTable(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.map(mdCell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ];
}

/** The row with the highest mean student accuracy at the best-validation epoch. */
export function bestRow(rows: readonly CompareRow[], metric = 'student.best.test'): CompareRow | undefined {
  let best: CompareRow | undefined;
  for (const row of rows) {
    const v = row.cells[metric]?.value;
    if (v !== undefined && (best === undefined || v > (best.cells[metric]?.value ?? -Infinity))) best = row;
  }
  return best;
}

export function cellText(row: CompareRow, column: TableColumn, view: CompareViewModel): string {
  if (column.kind === 'label') return row.label;
  if (column.kind === 'status') return row.status;
  if (column.kind === 'config') return formatConfigValue(configValue(row, column, view.configKeys.equal));
  const metric = column.metric ?? METRIC_BY_KEY.get(column.key);
  if (!metric) return '';
  const cell = row.cells[column.key];
  const reason = cell ? undefined : row.reasons?.[column.key];
  if (reason) return reason;
  const ci = formatCi(metric.kind, cell);
  const text = formatCell(metric.kind, cell);
  return ci ? `${text}, ${ci}${cell?.excludesZero ? ' *' : ''}` : text;
}

export interface ReportInput {
  view: CompareViewModel;
  rows: readonly CompareRow[];
  columns: readonly TableColumn[];
  front: readonly ScatterPoint[];
  costLabel: string;
  costKind: 'count' | 'bytes' | 'ms';
  accuracy: 'best' | 'last';
}

export function markdownReport(input: ReportInput): string {
  const { view, rows, columns } = input;
  const lines = [`# ${view.title}`, ''];
  const groups = rows.filter((r) => r.kind === 'group').length;
  lines.push(
    `${rows.length} ${groups ? 'settings' : 'runs'} (${view.runs.length} runs).` +
      (groups ? ' Values are mean ± sample std over seeds (n); the KD gain is paired per seed, with its 95% CI.' : ''),
    '',
  );
  const best = bestRow(rows);
  lines.push('## Best setting', '');
  if (best) {
    const acc = formatCell('percent', best.cells['student.best.test']);
    const gain = best.cells.kdGain;
    const config = Object.entries(best.config)
      .filter(([k]) => k !== 'seed')
      .map(([k, v]) => `\`${k}\` = ${formatConfigValue(v)}`)
      .join(', ');
    lines.push(
      `**${best.label}**: student accuracy ${acc}` +
        (gain
          ? `, KD gain ${formatCell('points', gain)}${formatCi('points', gain) ? ` (${formatCi('points', gain)}${gain.excludesZero ? ', excludes 0' : ''})` : ''}`
          : '') +
        '.',
    );
    if (config) lines.push('', config);
  } else lines.push('No finished run has a student accuracy yet.');
  lines.push('', '## Results', '');
  lines.push(
    ...mdTable(
      columns.map((c) => c.label),
      rows.map((row) => columns.map((c) => cellText(row, c, view))),
    ),
  );
  if (rows.some((r) => r.cells.kdGain?.excludesZero)) lines.push('', '\\* the 95% CI of the KD gain excludes 0.');
  lines.push(
    '',
    `## Pareto front (${input.accuracy === 'best' ? 'best-validation epoch' : 'last epoch'} accuracy against ${input.costLabel})`,
    '',
  );
  if (input.front.length)
    lines.push(
      ...mdTable(
        ['model', input.costLabel, 'accuracy'],
        input.front.map((p) => [
          p.kind === 'baseline' ? `${p.label}` : p.label,
          formatValue(input.costKind, p.x),
          formatCell('percent', { value: p.y, std: p.yStd, n: p.n }),
        ]),
      ),
    );
  else lines.push('No run has both a cost and an accuracy yet.');
  return lines.join('\n') + '\n';
}
