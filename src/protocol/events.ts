// The one contract between the engine, the runner process, the CLI, the extension host and
// the webviews. The runner writes each RunEvent as one JSON line on stdout and appends the same
// line to runs/<experiment>/<run-id>/events.jsonl, so a live run and a finished one read alike.
import type { SweepRunInfo } from './sweep';

/** A stage of a run: one model being trained (teacher, student, baseline, peer-2, generation-1, assistant-1, ...). */
export type StageRole = 'teacher' | 'student' | 'baseline' | 'peer' | 'generation' | 'assistant';

export interface LayerSummary {
  name: string;
  /** The Keras class name, e.g. Dense, Conv2D, Add. */
  type: string;
  outputShape: (number | null)[];
  params: number;
  macs: number;
  /** Names of the layers feeding this one (graph edges, for branched models). */
  inbound: string[];
}

export interface ModelSummary {
  name: string;
  layers: LayerSummary[];
  params: number;
  trainableParams: number;
  macs: number;
  /** Size of the weights in bytes (float32). */
  bytes: number;
  /** Number of layers with weights (dense, conv). */
  depth: number;
  /** Largest number of units or channels of any layer. */
  width: number;
  inputShape: number[];
  classes: number;
}

export interface AccuracyAt {
  epoch: number;
  /** Validation accuracy at that epoch (null when there is no validation split). */
  val: number | null;
  /** Test accuracy of the weights of that epoch. */
  test: number;
}

export interface ModelMetrics {
  stage: string;
  role: StageRole;
  summary: ModelSummary;
  /** The epoch with the best validation accuracy (the honest pick), and the last epoch. */
  best: AccuracyAt;
  last: AccuracyAt;
  /** Measured CPU latency per sample in milliseconds (batch of 1, lower quartile of many short rounds). */
  latencyMs: number;
  /** Interquartile range of the latency rounds, in milliseconds (summaries: all models timed together, interleaved). */
  latencyIqrMs?: number;
}

export interface RunSummary {
  runId: string;
  experiment: string;
  cell?: string;
  sourceFile: string;
  status: RunStatus;
  backend: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** Metrics per trained or loaded model, keyed by stage name. */
  models: Record<string, ModelMetrics>;
  /** The stage whose model is this run's product (the distilled student). */
  product: string;
  /** Distilled minus baseline test accuracy at the best-validation epochs, when a baseline ran. */
  kdGain?: number;
  /** What agreement, KL, compression and speed-up compare the student with: the model it learned from. */
  reference?: {
    /** Its stages: one teacher, the original teacher of an assistant chain, or every teacher of an ensemble. */
    stages: string[];
    /** Words for it: "teacher", "teacher (original, before the assistants)", "ensemble of teacher-1, teacher-2". */
    label: string;
  };
  /** Top-1 agreement between the reference and the distilled student on the test set. */
  agreement?: number;
  /** Mean KL(reference || student) over the test set at temperature 1. */
  klTeacherStudent?: number;
  /** Reference parameters (all teachers of an ensemble) / student parameters. */
  compressionRatio?: number;
  /** Reference latency / student latency; absent when the difference is within the measurements' spread. */
  speedup?: number;
  /** True when the latencies differ by less than their spreads: no speed-up is claimed. */
  speedupWithinNoise?: boolean;
  error?: string;
  /** Why a failed run failed, where it is one of the causes users must act on (see FailureReason). */
  reason?: FailureReason;
  /** Set when the run is one point × seed of a sweep. */
  sweep?: SweepRunInfo;
}

export type RunStatus = 'running' | 'done' | 'failed' | 'stopped';

/**
 * Causes of a failed run that call for something other than a bug report: the experiment does not fit
 * its data (exit code 2), the disk is full, read-only or not writable, or the run needs more memory than
 * it could get.
 */
export type FailureReason = 'invalid experiment' | 'disk full' | 'read-only' | 'permission denied' | 'out of memory';

interface EventBase {
  /** ISO time the event was emitted. */
  time: string;
}

export interface RunStartEvent extends EventBase {
  type: 'run-start';
  runId: string;
  experiment: string;
  cell?: string;
  sourceFile: string;
  backend: string;
  /** Why other backends were skipped, e.g. "tensorflow: module @tensorflow/tfjs-node not installed". */
  backendNotes: string[];
  /** The wasm backend's thread count and why that many (KD_WASM_THREADS, or cores, load and concurrent runners); absent on other backends. */
  threads?: { count: number; reason: string };
  pid: number;
  resumed: boolean;
}

export interface ModelsEvent extends EventBase {
  type: 'models';
  /** Summaries of every model of the run keyed by stage name, known before training starts. */
  models: Record<string, ModelSummary>;
  /** Layer pairs matched by feature/relation losses: [teacherLayer, studentLayer, adapter?]. */
  links: { teacherLayer: string; studentLayer: string; adapter?: string; loss: string }[];
}

export interface StageStartEvent extends EventBase {
  type: 'stage-start';
  stage: string;
  role: StageRole;
  epochs: number;
  stepsPerEpoch: number;
  /** The loss term names of this stage, in order (e.g. ["ce", "kd"]). */
  terms: string[];
  /** First epoch to run (greater than 1 when resuming). */
  startEpoch: number;
}

export interface StepEvent extends EventBase {
  type: 'step';
  stage: string;
  epoch: number;
  /** 1-based step within the epoch. */
  step: number;
  stepsPerEpoch: number;
  /** Global step count within the stage. */
  globalStep: number;
  /** Weighted value of each loss term, keyed by term name (e.g. "ce", "kd", "hint:block2"). */
  losses: Record<string, number>;
  total: number;
  lr: number;
  /** Samples per second over the last logging window. */
  samplesPerSec: number;
}

export interface EpochEvent extends EventBase {
  type: 'epoch';
  stage: string;
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAcc: number;
  valAcc: number | null;
  valLoss: number | null;
  lr: number;
  durationMs: number;
}

export interface CheckpointEvent extends EventBase {
  type: 'checkpoint';
  stage: string;
  epoch: number;
  /** Path relative to the run directory. */
  path: string;
}

export interface StageEndEvent extends EventBase {
  type: 'stage-end';
  stage: string;
  metrics: ModelMetrics;
}

export interface SummaryEvent extends EventBase {
  type: 'summary';
  summary: RunSummary;
}

export interface LogEvent extends EventBase {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** A few training examples as the models see them after augmentation, emitted once per run. */
export interface SamplesEvent extends EventBase {
  type: 'samples';
  stage: string;
  epoch: number;
  /** One example's [height, width, channels] (1 or 3 channels). */
  shape: [number, number, number];
  count: number;
  /** count × height × width × channels bytes (0…255, row-major), base64; display values (normalisation undone). */
  pixels: string;
  /** The augmentation ops, in order, e.g. ["randomCrop", "horizontalFlip"]. */
  ops: string[];
}

export interface RunEndEvent extends EventBase {
  type: 'run-end';
  status: Exclude<RunStatus, 'running'>;
  error?: string;
  reason?: FailureReason;
}

export type RunEvent =
  | RunStartEvent
  | ModelsEvent
  | StageStartEvent
  | StepEvent
  | EpochEvent
  | CheckpointEvent
  | StageEndEvent
  | SummaryEvent
  | LogEvent
  | SamplesEvent
  | RunEndEvent;

export type RunEventType = RunEvent['type'];

/** Parses one line of events.jsonl or runner stdout; returns undefined for lines that are not events. */
export function parseEventLine(line: string): RunEvent | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
      return value as RunEvent;
    }
  } catch {
    // A partially written last line after a crash: ignore it.
  }
  return undefined;
}
