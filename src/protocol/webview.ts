// The typed contract between the extension host and the two webviews (experiment panel, run
// comparison). Three kinds of messages, as in GitLens: notifications host → webview, commands
// webview → host, and the state a webview persists (getState/setState) so the panel serializer can
// restore it after a window reload. A webview sends `ready` first; the host then pushes the whole
// view model, then incremental run events that the webview folds with the same reducer.
import type { MetricStats } from './sweep';
import type {
  ModelMetrics,
  ModelsEvent,
  ModelSummary,
  RunEvent,
  RunStatus,
  RunSummary,
  SamplesEvent,
  StageRole,
} from './events';

export const EXPERIMENT_PANEL_VIEW_TYPE = 'distillationStudio.experimentPanel';
export const COMPARE_PANEL_VIEW_TYPE = 'distillationStudio.comparePanel';

/** What the experiment panel shows: an experiment (a file or one of its cells), or one stored run. */
export type PanelTarget = { kind: 'file'; file: string; cell?: string } | { kind: 'run'; runDir: string };

export type LayerLink = ModelsEvent['links'][number];

/** Per-step loss history of one stage. Columns are aligned with `step`; a term missing at a step is null. */
export interface LossSeries {
  /** The global step within the stage (the x axis). */
  step: number[];
  epoch: number[];
  terms: Record<string, (number | null)[]>;
  total: number[];
  lr: number[];
}

/** Per-epoch history of one stage, aligned with `epoch`. */
export interface EpochSeries {
  epoch: number[];
  trainAcc: number[];
  valAcc: (number | null)[];
  trainLoss: number[];
  valLoss: (number | null)[];
  lr: number[];
}

export interface StageView {
  name: string;
  role: StageRole;
  /** Epochs planned for the stage (0 when only its end was seen). */
  plannedEpochs: number;
  stepsPerEpoch: number;
  /** Loss term names in the order the stage declared them. */
  terms: string[];
  status: 'running' | 'done';
  loss: LossSeries;
  history: EpochSeries;
  /** Latest throughput reported by a step event. */
  samplesPerSec?: number;
  /** Where a resumed run carried on in this stage: its first step and epoch after each resume. */
  resumes?: { step: number; epoch: number }[];
}

export interface RunView {
  runId?: string;
  runDir?: string;
  experiment?: string;
  cell?: string;
  sourceFile?: string;
  backend?: string;
  backendNotes: string[];
  status: RunStatus;
  startedAt?: string;
  endedAt?: string;
  error?: string;
}

/** The state of the `--describe` call that gives the architecture before a run exists. */
export interface DescribeView {
  status: 'idle' | 'pending' | 'done' | 'error';
  message?: string;
}

export interface LogLine {
  time: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** Everything the experiment panel renders. Built by `webview/panel/model.ts` from run events. */
export interface PanelViewModel {
  title: string;
  target?: PanelTarget;
  describe: DescribeView;
  /** Absent until a run of the target is known. */
  run?: RunView;
  /** Architecture of every model, keyed by stage name. */
  models: Record<string, ModelSummary>;
  /** Where `models` came from: the describe call (before any run) or the run's own models event. */
  modelsFrom?: 'describe' | 'run';
  links: LayerLink[];
  /** Stages in the order they started. */
  stages: StageView[];
  /** Measured metrics per stage (stage-end events, then the summary). */
  metrics: Record<string, ModelMetrics>;
  summary?: RunSummary;
  /** The latest log lines (bounded). */
  logs: LogLine[];
  /** A few augmented training examples, when the run augments its data. */
  samples?: SamplesEvent;
  /** A resumed run has started: its next step is where the resume point is marked. */
  resumePending?: boolean;
}

/** Every export format, listed once: the type and the run-time check of webview messages both come from it. */
export const EXPORT_FORMATS = ['png', 'csv', 'svg', 'md'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Host → experiment panel. */
export type PanelNotification =
  | { type: 'panel/view'; view: PanelViewModel }
  | { type: 'panel/events'; events: RunEvent[] }
  | { type: 'panel/describe'; describe: DescribeView }
  | ExportResult;

/** Experiment panel → host. */
export type PanelCommand =
  | { type: 'ready' }
  | {
      type: 'revealLayer';
      stage: string;
      layer: string;
      /** Position among the model's non-input layers. */ index: number;
    }
  | ExportRequest;

/** A file the user exports from a chart or table; the host asks where to save it. */
export interface ExportRequest {
  type: 'export';
  /** Chosen by the webview, unique among its requests; the result carries it back. */
  id: number;
  format: ExportFormat;
  fileName: string;
  /** Base64 of the bytes for PNG, the text itself for CSV. */
  data: string;
}

export interface ExportResult {
  type: 'export/result';
  /** The id of the request this answers. */
  id: number;
  ok: boolean;
  path?: string;
  message?: string;
}

/** What the block size of a layer in the diagrams reflects. */
export type SizeMetric = 'params' | 'macs';

/** View choices the experiment panel keeps across reloads. */
export interface PanelUiState {
  chartStage?: string;
  /** EMA smoothing weight in [0, 1). */
  smoothing: number;
  sizeBy: SizeMetric;
  /** Expanded groups of repeated blocks, as "model/group". */
  expandedGroups: string[];
  /** Hidden chart series, as "chart/series". */
  hiddenSeries: string[];
  /** The loss charts' y axis; absent: logarithmic when the values span more than two decades. */
  lossScale?: 'log' | 'linear';
}

/** Persisted with setState; the serializer reopens the panel from it. */
export interface PanelWebviewState {
  target: PanelTarget;
  ui: PanelUiState;
}

/** Accuracy at the best-validation epoch and at the last one (test accuracy of those weights). */
export interface BestLast {
  best: number;
  last: number;
}

/** One run as a row of the comparison. */
export interface CompareRunView {
  runDir: string;
  runId: string;
  experiment: string;
  cell?: string;
  status: RunStatus;
  backend?: string;
  startedAt?: string;
  durationMs?: number;
  /** The stage whose model is the run's product. */
  product?: string;
  teacher?: BestLast;
  baseline?: BestLast;
  student?: BestLast;
  kdGain?: number;
  agreement?: number;
  klTeacherStudent?: number;
  params?: number;
  macs?: number;
  latencyMs?: number;
  compressionRatio?: number;
  /** From the run's summary only: absent while running, and when the latencies differ by less than their spread. */
  speedup?: number;
  /** The summary found the latencies within their spread: the view says "within noise" instead of a speed-up. */
  speedupWithinNoise?: boolean;
  /** Validation accuracy per epoch of the product stage. */
  valCurve: { epoch: number[]; valAcc: (number | null)[] };
  /** The user's name and note for the run (runs/<exp>/<id>/meta.json). */
  name?: string;
  note?: string;
  /** The run's seed and, for a run of a sweep, the sweep and point it belongs to. */
  seed?: number;
  sweep?: { id: string; point: number };
  /** Runs with the same key differ only by seed (they form a group). */
  groupKey?: string;
  /** Config values of the keys that differ between the shown runs (dotted paths), swept keys included. */
  config?: Record<string, ConfigScalar>;
  /** Teacher and baseline figures for the trade-off chart. */
  teacherCost?: ModelCost;
  baselineCost?: ModelCost;
  /** Bytes of the product's weights (float32). */
  bytes?: number;
  /** Progress of a running run (the product's or the current stage's epochs). */
  progress?: { stage: string; epoch: number; epochs: number };
  /** Per-epoch curves of the product stage, aligned with `epoch`: valAcc, trainAcc, trainLoss, valLoss, loss:<term>. */
  curves?: { epoch: number[]; series: Record<string, (number | null)[]> };
}

/** A model's cost figures, for placing a teacher or a baseline on the trade-off chart. */
export interface ModelCost {
  params: number;
  macs: number;
  bytes: number;
  latencyMs: number;
}

export type ConfigScalar = string | number | boolean | null;

/** Runs that differ only by seed, with the statistics of their metrics (keys as in the table's columns). */
export interface CompareGroupView {
  key: string;
  /** The config values the group's runs share (the differing keys only), swept keys included. */
  config: Record<string, ConfigScalar>;
  runDirs: string[];
  seeds: number[];
  metrics: Record<string, MetricStats>;
}

/** What a comparison shows: chosen runs, every run of an experiment, or every run of a sweep (new runs join as they start). */
export type CompareSource = { runDirs: string[] } | { experiment: string } | { experiment: string; sweepId: string };

export interface CompareViewModel {
  title: string;
  source?: CompareSource;
  runs: CompareRunView[];
  groups: CompareGroupView[];
  /** Config keys that differ between the shown runs; `swept` lists those a sweep varied. */
  configKeys: { differing: string[]; swept: string[]; equal: Record<string, ConfigScalar> };
}

/** The two resolved configs the diff shows, flattened to dotted paths. */
export interface CompareDiffView {
  a: { runDir: string; label: string; config: Record<string, ConfigScalar> };
  b: { runDir: string; label: string; config: Record<string, ConfigScalar> };
}

/** Host → comparison panel. */
export type CompareNotification =
  | { type: 'compare/view'; view: CompareViewModel }
  /** Changed and new runs, with the groups and config keys recomputed (a live update). */
  | {
      type: 'compare/update';
      runs: CompareRunView[];
      groups: CompareGroupView[];
      configKeys: CompareViewModel['configKeys'];
    }
  | { type: 'compare/diff'; diff: CompareDiffView }
  | ExportResult;

/** Comparison panel → host. */
export type CompareCommand =
  | { type: 'ready' }
  | { type: 'openRun'; runDir: string }
  | { type: 'diff'; a: string; b: string }
  | { type: 'editMeta'; runDir: string; field: 'name' | 'note' }
  | ExportRequest;

export type CompareTab = 'table' | 'scatter' | 'parallel' | 'curves' | 'diff';
export type CostAxis = 'params' | 'macs' | 'bytes' | 'latency';

/** View choices the comparison keeps across reloads. */
export interface CompareWebviewState {
  runDirs: string[];
  source?: CompareSource;
  sort?: { column: string; descending: boolean };
  hiddenRuns?: string[];
  grouped?: boolean;
  /** Columns the user chose to show (absent: the defaults). */
  columns?: string[];
  showEqualKeys?: boolean;
  filter?: { text: string; statuses: RunStatus[] };
  scatter?: { cost: CostAxis; accuracy: 'best' | 'last'; log: boolean };
  curveMetric?: string;
  /** Brushed ranges per parallel-coordinates axis, in data units. */
  brush?: Record<string, [number, number]>;
  parallelMetrics?: string[];
  selected?: string[];
  tab?: CompareTab;
}
