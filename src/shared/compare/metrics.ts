// The metrics the comparison shows, under the names the engine's statistics use
// (src/engine/sweep/metrics.ts), so a group's cell is the engine's statistic of exactly what its
// runs' cells show. A running run's values come from its events so far.
import type { CompareRunView } from '../../protocol/webview';
import { speedupRatio } from '../speedup';

/** How a value is written: the renderer picks the formatter, the CSV keeps the raw number. */
export type ValueKind = 'percent' | 'points' | 'count' | 'bytes' | 'ms' | 'ratio' | 'number' | 'duration';

export interface MetricDef {
  key: string;
  label: string;
  kind: ValueKind;
  /** Which end is better; absent for metrics that are not ranked. */
  better?: 'max' | 'min';
  description: string;
  of(run: CompareRunView): number | undefined;
}

export const METRICS: readonly MetricDef[] = [
  {
    key: 'student.best.test',
    label: 'Student best',
    kind: 'percent',
    better: 'max',
    description: "Distilled student's test accuracy at its best-validation epoch",
    of: (r) => r.student?.best,
  },
  {
    key: 'student.last.test',
    label: 'Student last',
    kind: 'percent',
    better: 'max',
    description: "Distilled student's test accuracy at its last epoch",
    of: (r) => r.student?.last,
  },
  {
    key: 'baseline.best.test',
    label: 'Baseline best',
    kind: 'percent',
    better: 'max',
    description: 'Student trained alone: test accuracy at its best-validation epoch',
    of: (r) => r.baseline?.best,
  },
  {
    key: 'baseline.last.test',
    label: 'Baseline last',
    kind: 'percent',
    better: 'max',
    description: 'Student trained alone: test accuracy at its last epoch',
    of: (r) => r.baseline?.last,
  },
  {
    key: 'teacher.best.test',
    label: 'Teacher best',
    kind: 'percent',
    better: 'max',
    description: "Teacher's test accuracy at its best-validation epoch",
    of: (r) => r.teacher?.best,
  },
  {
    key: 'teacher.last.test',
    label: 'Teacher last',
    kind: 'percent',
    better: 'max',
    description: "Teacher's test accuracy at its last epoch",
    of: (r) => r.teacher?.last,
  },
  {
    key: 'kdGain',
    label: 'KD gain',
    kind: 'points',
    better: 'max',
    description: 'Distilled minus baseline test accuracy of the same seed (groups: mean, 95% CI)',
    of: (r) => r.kdGain,
  },
  {
    key: 'agreement',
    label: 'Agreement',
    kind: 'percent',
    better: 'max',
    description: 'Top-1 agreement of student and teacher',
    of: (r) => r.agreement,
  },
  {
    key: 'kl',
    label: 'KL(T‖S)',
    kind: 'number',
    better: 'min',
    description: 'Mean KL(teacher ‖ student) on the test set',
    of: (r) => r.klTeacherStudent,
  },
  {
    key: 'params',
    label: 'Params',
    kind: 'count',
    better: 'min',
    description: 'Parameters of the distilled student',
    of: (r) => r.params,
  },
  {
    key: 'macs',
    label: 'MACs',
    kind: 'count',
    better: 'min',
    description: 'Multiply-accumulates per example',
    of: (r) => r.macs,
  },
  {
    key: 'student.bytes',
    label: 'Size',
    kind: 'bytes',
    better: 'min',
    description: 'Size of the weights',
    of: (r) => r.bytes,
  },
  {
    key: 'latencyMs',
    label: 'Latency',
    kind: 'ms',
    better: 'min',
    description: 'CPU latency per example',
    of: (r) => r.latencyMs,
  },
  {
    key: 'compressionRatio',
    label: 'Compression',
    kind: 'ratio',
    better: 'max',
    description: 'Teacher parameters ÷ student parameters',
    of: (r) => r.compressionRatio,
  },
  {
    key: 'speedup',
    label: 'Speed-up',
    kind: 'ratio',
    better: 'max',
    description: 'Teacher latency ÷ student latency; “within noise” when they differ by less than their spread',
    of: speedupRatio,
  },
  {
    key: 'wallTimeMs',
    label: 'Duration',
    kind: 'duration',
    description: 'Wall time of the run',
    of: (r) => r.durationMs,
  },
];

export const METRIC_BY_KEY: ReadonlyMap<string, MetricDef> = new Map(METRICS.map((m) => [m.key, m]));

/** Metric columns shown until the user chooses. */
export const DEFAULT_METRIC_COLUMNS = [
  'student.best.test',
  'student.last.test',
  'baseline.best.test',
  'kdGain',
  'params',
  'latencyMs',
];

/** A metric's value for a run, when it is a finite number. */
export function metricOf(run: CompareRunView, key: string): number | undefined {
  const v = METRIC_BY_KEY.get(key)?.of(run);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
