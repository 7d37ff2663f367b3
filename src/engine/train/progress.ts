// The bookkeeping of one stage while it trains: resume from its checkpoint, step and epoch
// events, per-epoch evaluation and checkpoints, the best-on-validation pick. Shared by the
// single-model loop (stage.ts) and the joint loop of several peers (peers.ts).
import * as tf from '@tensorflow/tfjs';
import type { AccuracyAt, RunEvent, StageRole } from '../../protocol/events';
import type { TrainConfig } from '../config/types';
import type { Batch, Dataset } from '../data/types';
import { evaluate } from './evaluate';
import {
  markComplete,
  openCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
  type EpochRecord,
  type Position,
  type StageState,
} from './checkpoint';
import { checkDivergence } from './divergence';

export interface StageOutcome {
  stopped: boolean;
  best: AccuracyAt;
  last: AccuracyAt;
  history: EpochRecord[];
  state: StageState;
}

/** What one optimisation step reports for one model. */
export interface StepResult {
  /** Weighted value of each term, by term name. */
  losses: Record<string, number>;
  total: number;
  /** Correct top-1 predictions in the batch. */
  correct: number;
}

export interface ProgressOptions {
  stage: string;
  role: StageRole;
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  /** Variables trained with the model but not part of it (adaptation layers, auxiliary heads). */
  adapters: tf.Variable[];
  dataset: Dataset;
  train: TrainConfig;
  checkpointDir: string;
  emit: (event: RunEvent) => void;
  /** Epoch numbers are offset by this much in events (multi-stage schedules continue counting). */
  epochOffset: number;
  /** Resume no later than this position (peers resume together from the earliest). */
  atMost?: Position;
}

function now(): string {
  return new Date().toISOString();
}

/** Steps in one epoch: all batches of the training split, capped by `maxStepsPerEpoch`. */
export function stepsPerEpochOf(dataset: Dataset, train: TrainConfig): number {
  return Math.min(Math.ceil(dataset.train.count / train.batchSize), train.maxStepsPerEpoch ?? Infinity);
}

/**
 * The tensors of one batch: inputs, label indices and label distributions (the caller disposes
 * them): one-hot, or the soft labels of mixup and cutmix, which ce takes as they are.
 */
export function batchTensors(
  batch: Batch,
  dataset: Dataset,
): { xs: tf.Tensor; labelIndices: tf.Tensor1D; labels: tf.Tensor2D } {
  const xs = tf.tensor(batch.x, [batch.size, ...dataset.inputShape]);
  const labelIndices = tf.tensor1d(batch.y, 'int32');
  const labels = batch.targets
    ? tf.tensor2d(batch.targets, [batch.size, dataset.classes])
    : tf.tidy(() => tf.oneHot(labelIndices, dataset.classes).toFloat() as tf.Tensor2D);
  return { xs, labelIndices, labels };
}

/** A checkpoint folder as the run-relative path events carry: checkpoints/<stage>/<which>. */
export function relativeCheckpoint(dir: string, which: string): string {
  const parts = dir.split(/[\\/]/);
  const at = parts.lastIndexOf('checkpoints');
  return [...parts.slice(at), which].join('/');
}

export class StageProgress {
  private lossSum = 0;
  private correct = 0;
  private seen = 0;
  private epochStart = 0;
  private windowStart = 0;

  private constructor(
    private readonly options: ProgressOptions,
    public state: StageState,
  ) {}

  /** Reads the stage's newest complete checkpoint and restores weights, optimizer and adapters from it. */
  static async open(options: ProgressOptions): Promise<StageProgress> {
    const warn = (message: string) =>
      options.emit({ type: 'log', time: now(), level: 'warn', message: `${options.stage}: ${message}` });
    const previous = openCheckpoint(options.checkpointDir, warn, options.atMost)?.state;
    const state: StageState = previous ?? {
      epoch: 0,
      step: 0,
      history: [],
      bestEpoch: 0,
      bestVal: -Infinity,
      complete: false,
    };
    if (previous && (previous.epoch > 0 || previous.step > 0)) {
      await restoreCheckpoint(options.checkpointDir, previous, options.model, options.optimizer, options.adapters);
    }
    return new StageProgress(options, { ...state, step: state.step ?? 0 });
  }

  get stage(): string {
    return this.options.stage;
  }

  /** The first epoch still to run. */
  get nextEpoch(): number {
    return this.state.epoch + 1;
  }

  /** Where the saved weights are in the data order. */
  get position(): Position {
    return { epoch: this.state.epoch, step: this.state.step };
  }

  /** Steps of `epoch` already in the weights (a stop mid-epoch): the loop skips their batches. */
  stepsDone(epoch: number): number {
    return epoch === this.state.epoch + 1 ? this.state.step : 0;
  }

  emitStart(terms: string[], stepsPerEpoch: number, startEpoch = this.nextEpoch): void {
    const { stage, role, train, epochOffset } = this.options;
    this.options.emit({
      type: 'stage-start',
      time: now(),
      stage,
      role,
      epochs: train.epochs + epochOffset,
      stepsPerEpoch,
      terms,
      startEpoch: startEpoch + epochOffset,
    });
  }

  beginEpoch(epoch: number): void {
    const resumed = this.stepsDone(epoch) > 0 ? this.state.sums : undefined;
    this.lossSum = resumed?.lossSum ?? 0;
    this.correct = resumed?.correct ?? 0;
    this.seen = resumed?.seen ?? 0;
    this.epochStart = Date.now();
    this.windowStart = Date.now();
  }

  /** Accounts one step, emits its event, and fails the stage on a non-finite loss. */
  recordStep(
    epoch: number,
    step: number,
    stepsPerEpoch: number,
    globalStep: number,
    result: StepResult,
    batchSize: number,
    lr: number,
  ): void {
    const { stage, epochOffset } = this.options;
    this.lossSum += result.total * batchSize;
    this.correct += result.correct;
    this.seen += batchSize;
    const elapsed = (Date.now() - this.windowStart) / 1000;
    this.windowStart = Date.now();
    this.options.emit({
      type: 'step',
      time: now(),
      stage,
      epoch: epoch + epochOffset,
      step,
      stepsPerEpoch,
      globalStep,
      losses: result.losses,
      total: result.total,
      lr,
      samplesPerSec: elapsed > 0 ? batchSize / elapsed : 0,
    });
    if (this.state.firstLoss === undefined) this.state = { ...this.state, firstLoss: result.total };
    checkDivergence(stage, this.state.firstLoss as number, result.total, epoch + epochOffset, step, lr);
  }

  /** Evaluates on validation and test, keeps the best-validation weights, checkpoints, and emits the epoch. */
  async endEpoch(epoch: number, lr: number): Promise<void> {
    const { model, dataset, checkpointDir, optimizer, adapters, stage, train, epochOffset, emit } = this.options;
    const val = dataset.validation.count > 0 ? evaluate(model, dataset.validation, dataset.inputShape) : undefined;
    const test = evaluate(model, dataset.test, dataset.inputShape);
    const seen = Math.max(this.seen, 1);
    const record: EpochRecord = {
      epoch: epoch + epochOffset,
      val: val ? val.accuracy : null,
      test: test.accuracy,
      trainLoss: this.lossSum / seen,
      trainAcc: this.correct / seen,
    };
    const state = this.state;
    const improved = record.val === null || record.val > state.bestVal || state.history.length === 0;
    this.state = {
      ...state,
      epoch,
      step: 0,
      sums: undefined,
      history: [...state.history, record],
      bestEpoch: improved ? record.epoch : state.bestEpoch,
      bestVal: improved ? (record.val ?? record.test) : state.bestVal,
    };
    await saveCheckpoint(checkpointDir, model, optimizer, adapters, this.state, improved);
    emit({
      type: 'epoch',
      time: now(),
      stage,
      epoch: epoch + epochOffset,
      epochs: train.epochs + epochOffset,
      trainLoss: record.trainLoss,
      trainAcc: record.trainAcc,
      valAcc: record.val,
      valLoss: val ? val.loss : null,
      lr,
      durationMs: Date.now() - this.epochStart,
    });
    emit({
      type: 'checkpoint',
      time: now(),
      stage,
      epoch: epoch + epochOffset,
      path: relativeCheckpoint(checkpointDir, 'last'),
    });
  }

  /** Saves the position inside an interrupted epoch, with its updates and sums, so a resumed run continues at the next step. */
  async saveStopped(epoch: number, step: number): Promise<void> {
    const { model, checkpointDir, optimizer, adapters, stage, epochOffset, emit } = this.options;
    this.state = {
      ...this.state,
      epoch: epoch - 1,
      step,
      sums: { lossSum: this.lossSum, correct: this.correct, seen: this.seen },
    };
    await saveCheckpoint(checkpointDir, model, optimizer, adapters, this.state);
    emit({
      type: 'checkpoint',
      time: now(),
      stage,
      epoch: epoch - 1 + epochOffset,
      path: relativeCheckpoint(checkpointDir, 'last'),
    });
  }

  /** Marks the stage complete (unless stopped) and reports its best and last epochs. */
  async finish(stopped: boolean): Promise<StageOutcome> {
    if (!stopped) {
      this.state = { ...this.state, complete: true };
      await markComplete(this.options.checkpointDir, this.state);
    }
    const history = this.state.history;
    const last = history[history.length - 1] ?? { epoch: 0, val: null, test: Number.NaN };
    // The epoch whose weights are in best/ (picked on validation, never on test): what is reported is what is exported.
    const best = history.find((r) => r.epoch === this.state.bestEpoch) ?? last;
    return {
      stopped,
      best: { epoch: best.epoch, val: best.val, test: best.test },
      last: { epoch: last.epoch, val: last.val, test: last.test },
      history,
      state: this.state,
    };
  }
}
