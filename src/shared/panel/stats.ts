// The capacity-gap statistics: one column per model (teacher, assistants, the distilled student,
// peers, baseline), one row per measure. Sizes come from the architecture (known before a run,
// from the describe output); accuracy, latency, agreement and KL fill in as the run measures them.
import type { ModelMetrics, ModelSummary, StageRole } from '../../protocol/events';
import type { PanelViewModel } from '../../protocol/webview';
import { productStage } from './model';
import { baseStage, ROLE_RANK, roleOfStage } from '../stages';
import { epochNote, productWord } from '../modelLabels';
import { summarySpeedup, WITHIN_NOISE } from '../speedup';
import {
  DASH,
  formatBytes,
  formatCount,
  formatExact,
  formatMs,
  formatNumber,
  formatPercent,
  formatPoints,
  formatRatio,
} from '../format';

/** Above this teacher/student parameter ratio the gap tends to hurt distillation (Mirzadeh et al., 2020). */
export const CAPACITY_GAP_WARN_RATIO = 10;

export interface StatsColumn {
  /** The model's base stage name ("student" for the stages "student.hint" and "student.kd"). */
  key: string;
  label: string;
  role: StageRole;
  isProduct: boolean;
}

export interface StatsCell {
  text: string;
  /** The raw value, when there is one (for tests and copy). */
  value?: number;
  title?: string;
}

export interface StatsRow {
  key: string;
  label: string;
  description: string;
  cells: StatsCell[];
}

export interface StatsTable {
  columns: StatsColumn[];
  rows: StatsRow[];
}

interface ColumnData extends StatsColumn {
  summary?: ModelSummary;
  metrics?: ModelMetrics;
  bestVal?: { value: number; epoch: number };
  lastVal?: { value: number; epoch: number };
}

function columnsOf(view: PanelViewModel): ColumnData[] {
  const product = productStage(view);
  const productKey = product ? baseStage(product) : undefined;
  const columns = new Map<string, ColumnData>();
  const column = (stage: string, role?: StageRole): ColumnData => {
    const key = baseStage(stage);
    let data = columns.get(key);
    if (!data) {
      data = { key, label: key, role: role ?? roleOfStage(key), isProduct: key === productKey };
      columns.set(key, data);
    } else if (role) {
      data.role = role;
    }
    return data;
  };
  for (const [stage, summary] of Object.entries(view.models)) column(stage).summary = summary;
  for (const stage of view.stages) {
    const data = column(stage.name, stage.role);
    stage.history.valAcc.forEach((value, i) => {
      const epoch = stage.history.epoch[i];
      if (value === null || epoch === undefined) return;
      if (!data.bestVal || value > data.bestVal.value) data.bestVal = { value, epoch };
      data.lastVal = { value, epoch };
    });
  }
  for (const [stage, metrics] of Object.entries(view.metrics)) {
    const data = column(stage, metrics.role);
    data.metrics = metrics;
    data.summary = metrics.summary;
    // A model loaded rather than trained (a teacher from an earlier cell) has no epochs here.
    if (!data.bestVal && metrics.best.val !== null)
      data.bestVal = { value: metrics.best.val, epoch: metrics.best.epoch };
  }
  // The baseline trains the student's architecture: its sizes are known before it is measured.
  const baseline = columns.get('baseline');
  if (baseline && !baseline.summary) baseline.summary = columns.get('student')?.summary;
  const list = [...columns.values()];
  // A run with no teacher trains a teacher (a teacher cell): its model is not a distilled student.
  const alone =
    list.every((c) => c.role === 'student' || c.role === 'baseline') && !list.some((c) => c.role === 'baseline');
  for (const data of list)
    if (data.isProduct && data.role === 'student') data.label = alone ? productWord(true) : 'student (distilled)';
  return list
    .map((data, order) => ({ data, order }))
    .sort(
      (a, b) =>
        ROLE_RANK[a.data.role] - ROLE_RANK[b.data.role] ||
        (a.data.isProduct ? -1 : 0) - (b.data.isProduct ? -1 : 0) ||
        a.order - b.order,
    )
    .map(({ data }) => data);
}

function cell(value: number | undefined, format: (v: number) => string, title?: string): StatsCell {
  if (value === undefined || !Number.isFinite(value)) return { text: DASH };
  return { text: format(value), value, title };
}

/** The run's speed-up from its summary alone (speedup.ts): a ratio, "within noise", or a dash until it ends. */
function speedupCell(summary: PanelViewModel['summary']): StatsCell {
  const speedup = summarySpeedup(summary);
  if (!speedup) return { text: DASH };
  if ('withinNoise' in speedup)
    return { text: WITHIN_NOISE, title: 'The latencies differ by less than their spread: no speed-up measurable' };
  return { text: formatRatio(speedup.ratio), value: speedup.ratio };
}

/** Teacher minus product accuracy would mislead for other columns: run-level measures only fill the product's cell. */
function productOnly(column: ColumnData, value: number | undefined, format: (v: number) => string): StatsCell {
  return column.isProduct ? cell(value, format) : { text: '' };
}

export function statsTable(view: PanelViewModel): StatsTable {
  const columns = columnsOf(view);
  const teacher = columns.find((c) => c.role === 'teacher');
  const baseline = columns.find((c) => c.role === 'baseline');
  const summary = view.summary;
  const teacherParams = teacher?.summary?.params;

  const kdGain = (): number | undefined => {
    if (summary?.kdGain !== undefined) return summary.kdGain;
    const product = columns.find((c) => c.isProduct)?.metrics;
    const base = baseline?.metrics;
    return product && base ? product.best.test - base.best.test : undefined;
  };

  const rows: StatsRow[] = [
    {
      key: 'params',
      label: 'Parameters',
      description: 'Weights of the model, trainable or not',
      cells: columns.map((c) => cell(c.summary?.params, formatCount, formatExact(c.summary?.params))),
    },
    {
      key: 'macs',
      label: 'MACs',
      description: 'Multiply-accumulates per example',
      cells: columns.map((c) => cell(c.summary?.macs, formatCount, formatExact(c.summary?.macs))),
    },
    {
      key: 'bytes',
      label: 'Size',
      description: 'Weights in float32',
      cells: columns.map((c) => cell(c.summary?.bytes, formatBytes)),
    },
    {
      key: 'depth',
      label: 'Depth',
      description: 'Layers with weights (dense, convolution)',
      cells: columns.map((c) => cell(c.summary?.depth, String)),
    },
    {
      key: 'width',
      label: 'Width',
      description: 'Largest number of units or channels',
      cells: columns.map((c) => cell(c.summary?.width, String)),
    },
    {
      key: 'latency',
      label: 'Latency',
      description: 'CPU time per example (batch of 1, median)',
      cells: columns.map((c) => cell(c.metrics?.latencyMs, formatMs)),
    },
    {
      key: 'compression',
      label: 'Compression',
      description: 'Teacher parameters ÷ this model’s',
      cells: columns.map((c) =>
        cell(
          teacherParams !== undefined && c.summary?.params ? teacherParams / c.summary.params : undefined,
          formatRatio,
        ),
      ),
    },
    {
      key: 'speedup',
      label: 'Speed-up',
      description:
        'Teacher latency ÷ the distilled model’s, as the run’s summary measured it; “within noise” when they differ by less than their spread',
      cells: columns.map((c) => (c.isProduct ? speedupCell(summary) : { text: '' })),
    },
    {
      key: 'bestVal',
      label: 'Best validation accuracy',
      description: 'Highest validation accuracy so far (updates live)',
      cells: columns.map((c) => cell(c.bestVal?.value, (v) => formatPercent(v), epochNote(c.bestVal?.epoch))),
    },
    {
      key: 'accBest',
      label: 'Test accuracy (best on validation)',
      description: 'Test accuracy of the weights of the best-validation epoch',
      cells: columns.map((c) => cell(c.metrics?.best.test, (v) => formatPercent(v), epochNote(c.metrics?.best.epoch))),
    },
    {
      key: 'accLast',
      label: 'Test accuracy (last epoch)',
      description: 'Test accuracy of the weights of the last epoch',
      cells: columns.map((c) => cell(c.metrics?.last.test, (v) => formatPercent(v), epochNote(c.metrics?.last.epoch))),
    },
    {
      key: 'kdGain',
      label: 'KD gain',
      description: 'Distilled minus baseline test accuracy (best-validation epochs)',
      cells: columns.map((c) => productOnly(c, kdGain(), formatPoints)),
    },
    {
      key: 'agreement',
      label: 'Top-1 agreement',
      description: 'Share of test examples where student and teacher predict the same class',
      cells: columns.map((c) => productOnly(c, summary?.agreement, (v) => formatPercent(v))),
    },
    {
      key: 'kl',
      label: 'KL(teacher ‖ student)',
      description: 'Mean KL divergence of the student’s from the teacher’s predictions on the test set (T = 1)',
      cells: columns.map((c) => productOnly(c, summary?.klTeacherStudent, (v) => formatNumber(v))),
    },
  ];
  return { columns: columns.map(({ key, label, role, isProduct }) => ({ key, label, role, isProduct })), rows };
}

export interface CapacityGap {
  teacher: string;
  student: string;
  ratio: number;
  /** True when the ratio is above CAPACITY_GAP_WARN_RATIO and no assistant bridges it. */
  warn: boolean;
  /** True when teacher assistants are already part of the experiment. */
  bridged: boolean;
}

/** The teacher/student parameter ratio, once both architectures are known. */
export function capacityGap(view: PanelViewModel): CapacityGap | undefined {
  const columns = columnsOf(view);
  const teacher = columns.find((c) => c.role === 'teacher' && c.summary);
  const student =
    columns.find((c) => c.isProduct && c.summary) ?? columns.find((c) => c.role === 'student' && c.summary);
  if (!teacher?.summary || !student?.summary || student.summary.params === 0) return undefined;
  const ratio = teacher.summary.params / student.summary.params;
  const bridged = columns.some((c) => c.role === 'assistant');
  return {
    teacher: teacher.key,
    student: student.key,
    ratio,
    warn: ratio > CAPACITY_GAP_WARN_RATIO && !bridged,
    bridged,
  };
}
