// The comparison's rows, columns, best cells and sort order. Pure: the host builds each row from a
// run's files, the webview sorts and highlights.
import type { ModelMetrics, RunEvent, RunStatus, RunSummary } from '../../protocol/events';
import type { BestLast, CompareRunView } from '../../protocol/webview';
import {
  formatCount,
  formatDuration,
  formatMs,
  formatNumber,
  formatPercent,
  formatPoints,
  formatRatio,
} from '../format';
import { baseStage } from '../stages';
import { speedupRatio, speedupText } from '../speedup';

export interface RunFiles {
  runDir: string;
  runId: string;
  experiment: string;
  status: RunStatus;
  summary?: RunSummary;
  events: RunEvent[];
}

function bestLast(metrics: ModelMetrics | undefined): BestLast | undefined {
  return metrics ? { best: metrics.best.test, last: metrics.last.test } : undefined;
}

/** One run as a comparison row, from its summary when it has one, else from the events so far. */
export function compareRunOf(files: RunFiles): CompareRunView {
  const metrics: Record<string, ModelMetrics> = {};
  const roles = new Map<string, string>();
  let models: Record<string, { params: number; macs: number }> = {};
  let startedAt: string | undefined;
  let endedAt: string | undefined;
  let backend: string | undefined;
  let cell: string | undefined;
  for (const event of files.events) {
    if (event.type === 'run-start') {
      startedAt ??= event.time;
      backend = event.backend;
      cell = event.cell;
    } else if (event.type === 'models') models = event.models;
    else if (event.type === 'stage-start') roles.set(event.stage, event.role);
    else if (event.type === 'stage-end') metrics[event.stage] = event.metrics;
    else if (event.type === 'run-end') endedAt = event.time;
  }
  const summary = files.summary;
  if (summary) Object.assign(metrics, summary.models);
  const stages = [...new Set([...roles.keys(), ...Object.keys(metrics)])];
  const roleOf = (stage: string) => metrics[stage]?.role ?? roles.get(stage);
  const product =
    summary?.product ??
    [...stages].reverse().find((s) => baseStage(s) === 'student') ??
    stages.find((s) => s === 'peer-1') ??
    [...stages].reverse().find((s) => roleOf(s) === 'student');
  const teacherStage = stages.find((s) => roleOf(s) === 'teacher');
  const baselineStage = stages.find((s) => roleOf(s) === 'baseline');
  const productMetrics = product ? metrics[product] : undefined;
  const teacherMetrics = teacherStage ? metrics[teacherStage] : undefined;
  const baselineMetrics = baselineStage ? metrics[baselineStage] : undefined;
  const productArch =
    productMetrics?.summary ?? (product ? (models[baseStage(product)] ?? models[product]) : undefined);
  const teacherArch = teacherMetrics?.summary ?? models.teacher;

  const valCurve: CompareRunView['valCurve'] = { epoch: [], valAcc: [] };
  if (product) {
    for (const event of files.events) {
      if (event.type !== 'epoch' || baseStage(event.stage) !== baseStage(product)) continue;
      // A resumed run repeats epochs: the later record replaces the earlier.
      let at = valCurve.epoch.findIndex((e) => e >= event.epoch);
      if (at < 0) at = valCurve.epoch.length;
      valCurve.epoch.length = at;
      valCurve.valAcc.length = at;
      valCurve.epoch.push(event.epoch);
      valCurve.valAcc.push(event.valAcc);
    }
  }

  const started = summary?.startedAt ?? startedAt;
  const ended = summary?.endedAt ?? endedAt;
  const durationMs = summary?.durationMs ?? (started && ended ? Date.parse(ended) - Date.parse(started) : undefined);
  return {
    runDir: files.runDir,
    runId: files.runId,
    experiment: summary?.experiment ?? files.experiment,
    cell: summary?.cell ?? cell,
    status: files.status,
    backend: summary?.backend ?? backend,
    startedAt: started,
    durationMs,
    product,
    teacher: bestLast(teacherMetrics),
    baseline: bestLast(baselineMetrics),
    student: bestLast(productMetrics),
    kdGain:
      summary?.kdGain ??
      (productMetrics && baselineMetrics ? productMetrics.best.test - baselineMetrics.best.test : undefined),
    agreement: summary?.agreement,
    klTeacherStudent: summary?.klTeacherStudent,
    params: productArch?.params,
    macs: productArch?.macs,
    latencyMs: productMetrics?.latencyMs,
    compressionRatio:
      summary?.compressionRatio ??
      (teacherArch && productArch?.params ? teacherArch.params / productArch.params : undefined),
    // Only the summary says whether the latencies differ beyond their spread: no ratio of our own.
    speedup: summary?.speedup,
    speedupWithinNoise: summary?.speedupWithinNoise === true ? true : undefined,
    valCurve,
  };
}

export interface CompareColumn {
  key: string;
  label: string;
  /** Which end of a numeric column is best; absent for columns that are not ranked. */
  better?: 'max' | 'min';
  value(run: CompareRunView): number | string | undefined;
  format(run: CompareRunView): string;
  description?: string;
}

function numeric(
  key: string,
  label: string,
  better: 'max' | 'min' | undefined,
  get: (r: CompareRunView) => number | undefined,
  format: (v: number) => string,
  description?: string,
): CompareColumn {
  return {
    key,
    label,
    better,
    description,
    value: get,
    format: (run) => {
      const v = get(run);
      return v === undefined ? '—' : format(v);
    },
  };
}

const pct = (v: number) => formatPercent(v);

export const COMPARE_COLUMNS: CompareColumn[] = [
  { key: 'experiment', label: 'Experiment', value: (r) => r.experiment, format: (r) => r.experiment },
  { key: 'run', label: 'Run', value: (r) => r.runId, format: (r) => r.runId },
  { key: 'status', label: 'Status', value: (r) => r.status, format: (r) => r.status },
  numeric(
    'teacherBest',
    'Teacher best',
    'max',
    (r) => r.teacher?.best,
    pct,
    'Teacher test accuracy at its best-validation epoch',
  ),
  numeric('teacherLast', 'Teacher last', 'max', (r) => r.teacher?.last, pct, 'Teacher test accuracy at its last epoch'),
  numeric(
    'baselineBest',
    'Baseline best',
    'max',
    (r) => r.baseline?.best,
    pct,
    'Student trained alone: test accuracy at its best-validation epoch',
  ),
  numeric(
    'baselineLast',
    'Baseline last',
    'max',
    (r) => r.baseline?.last,
    pct,
    'Student trained alone: test accuracy at its last epoch',
  ),
  numeric(
    'studentBest',
    'Student best',
    'max',
    (r) => r.student?.best,
    pct,
    'Distilled student: test accuracy at its best-validation epoch',
  ),
  numeric(
    'studentLast',
    'Student last',
    'max',
    (r) => r.student?.last,
    pct,
    'Distilled student: test accuracy at its last epoch',
  ),
  numeric('kdGain', 'KD gain', 'max', (r) => r.kdGain, formatPoints, 'Distilled minus baseline test accuracy'),
  numeric('agreement', 'Agreement', 'max', (r) => r.agreement, pct, 'Top-1 agreement of student and teacher'),
  numeric(
    'kl',
    'KL(T‖S)',
    'min',
    (r) => r.klTeacherStudent,
    (v) => formatNumber(v),
    'Mean KL(teacher ‖ student) on the test set',
  ),
  numeric('params', 'Params', 'min', (r) => r.params, formatCount, 'Parameters of the distilled student'),
  numeric(
    'macs',
    'MACs',
    'min',
    (r) => r.macs,
    formatCount,
    'Multiply-accumulates per example of the distilled student',
  ),
  numeric(
    'latency',
    'Latency',
    'min',
    (r) => r.latencyMs,
    formatMs,
    'CPU latency per example of the distilled student',
  ),
  numeric(
    'compression',
    'Compression',
    'max',
    (r) => r.compressionRatio,
    formatRatio,
    'Teacher parameters ÷ student parameters',
  ),
  {
    key: 'speedup',
    label: 'Speed-up',
    better: 'max',
    description:
      'Teacher latency ÷ student latency, from the summary; “within noise” when they differ by less than their spread',
    value: speedupRatio,
    format: (run) => speedupText(run) ?? '—',
  },
  numeric('duration', 'Duration', undefined, (r) => r.durationMs, formatDuration),
  { key: 'backend', label: 'Backend', value: (r) => r.backend, format: (r) => r.backend ?? '—' },
];

/** For each ranked column, the runs holding its best value (all of them on a tie; none when fewer than two runs have a value). */
export function bestCells(
  runs: CompareRunView[],
  columns: CompareColumn[] = COMPARE_COLUMNS,
): Map<string, Set<string>> {
  const best = new Map<string, Set<string>>();
  for (const column of columns) {
    if (!column.better) continue;
    const values = runs.flatMap((run) => {
      const v = column.value(run);
      return typeof v === 'number' && Number.isFinite(v) ? [{ run: run.runDir, v }] : [];
    });
    if (values.length < 2) continue;
    const target = column.better === 'max' ? Math.max(...values.map((x) => x.v)) : Math.min(...values.map((x) => x.v));
    best.set(column.key, new Set(values.filter((x) => x.v === target).map((x) => x.run)));
  }
  return best;
}

/** Runs sorted by a column; runs without a value go last in either direction. */
export function sortRuns(
  runs: CompareRunView[],
  columnKey: string,
  descending: boolean,
  columns: CompareColumn[] = COMPARE_COLUMNS,
): CompareRunView[] {
  const column = columns.find((c) => c.key === columnKey);
  if (!column) return runs.slice();
  const sign = descending ? -1 : 1;
  return runs
    .map((run, i) => ({ run, i, v: column.value(run) }))
    .sort((a, b) => {
      if (a.v === undefined && b.v === undefined) return a.i - b.i;
      if (a.v === undefined) return 1;
      if (b.v === undefined) return -1;
      const order =
        typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return order * sign || a.i - b.i;
    })
    .map(({ run }) => run);
}

/** The table as CSV rows (raw values, so they read back exactly). */
export function compareCsvRows(
  runs: CompareRunView[],
  columns: CompareColumn[] = COMPARE_COLUMNS,
): { header: string[]; rows: (string | number | undefined)[][] } {
  return { header: columns.map((c) => c.key), rows: runs.map((run) => columns.map((c) => c.value(run))) };
}
