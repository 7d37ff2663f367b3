// The metrics the comparison shows for a run, each read the same way by the host (to compute a
// group's statistics) and the webview (to show a run's cell), so a group's mean is the mean of
// exactly what its runs' cells show.
import type { CompareRunView } from '../../protocol/webview';

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
    key: 'student.best',
    label: 'Student best',
    kind: 'percent',
    better: 'max',
    description: "Distilled student's test accuracy at its best-validation epoch",
    of: (r) => r.student?.best,
  },
  {
    key: 'student.last',
    label: 'Student last',
    kind: 'percent',
    better: 'max',
    description: "Distilled student's test accuracy at its last epoch",
    of: (r) => r.student?.last,
  },
  {
    key: 'baseline.best',
    label: 'Baseline best',
    kind: 'percent',
    better: 'max',
    description: 'Student trained alone: test accuracy at its best-validation epoch',
    of: (r) => r.baseline?.best,
  },
  {
    key: 'baseline.last',
    label: 'Baseline last',
    kind: 'percent',
    better: 'max',
    description: 'Student trained alone: test accuracy at its last epoch',
    of: (r) => r.baseline?.last,
  },
  {
    key: 'teacher.best',
    label: 'Teacher best',
    kind: 'percent',
    better: 'max',
    description: "Teacher's test accuracy at its best-validation epoch",
    of: (r) => r.teacher?.best,
  },
  {
    key: 'teacher.last',
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
    key: 'bytes',
    label: 'Size',
    kind: 'bytes',
    better: 'min',
    description: 'Size of the weights',
    of: (r) => r.bytes,
  },
  {
    key: 'latency',
    label: 'Latency',
    kind: 'ms',
    better: 'min',
    description: 'CPU latency per example',
    of: (r) => r.latencyMs,
  },
  {
    key: 'compression',
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
    description: 'Teacher latency ÷ student latency',
    of: (r) => r.speedup,
  },
  {
    key: 'duration',
    label: 'Duration',
    kind: 'duration',
    description: 'Wall time of the run',
    of: (r) => r.durationMs,
  },
];

export const METRIC_BY_KEY: ReadonlyMap<string, MetricDef> = new Map(METRICS.map((m) => [m.key, m]));

/** Metric columns shown until the user chooses. */
export const DEFAULT_METRIC_COLUMNS = ['student.best', 'student.last', 'baseline.best', 'kdGain', 'params', 'latency'];

/** A metric's value for a run, when it is a finite number. */
export function metricOf(run: CompareRunView, key: string): number | undefined {
  const v = METRIC_BY_KEY.get(key)?.of(run);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
