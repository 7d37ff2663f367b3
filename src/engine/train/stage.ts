// Trains one model (a stage of a run) on a weighted sum of loss terms, with a frozen teacher
// when the terms need one. The loss is built inside the gradient closure so every term's gradient
// reaches the student and its adapters; the teacher's outputs enter as constants.
import * as tf from '@tensorflow/tfjs';
import type { StageRole, RunEvent, AccuracyAt } from '../../protocol/events';
import type { TrainConfig } from '../config/types';
import type { Batch, Dataset } from '../data/types';
import { iterateBatches } from '../data';
import type { LossInputs, LossTerm } from '../losses/types';
import { tapModel } from '../models';
import { evaluate } from './evaluate';
import { createOptimizer, learningRateAt, setLearningRate, weightDecayPenalty } from './optimizer';
import { splitOutputs, type TeacherSource } from './teacherOutputs';
import { markComplete, readStageState, restoreCheckpoint, saveBest, saveCheckpoint, type EpochRecord, type StageState } from './checkpoint';

export interface StageOptions {
  stage: string;
  role: StageRole;
  /** The logits model to train. */
  model: tf.LayersModel;
  terms: LossTerm[];
  /** Frozen teacher outputs, when a term needs them. */
  teacher?: TeacherSource;
  dataset: Dataset;
  train: TrainConfig;
  seed: number;
  checkpointDir: string;
  emit: (event: RunEvent) => void;
  shouldStop: () => boolean;
  /** Epoch numbers are offset by this much in events (multi-stage schedules continue counting). */
  epochOffset?: number;
}

export interface StageOutcome {
  stopped: boolean;
  best: AccuracyAt;
  last: AccuracyAt;
  history: EpochRecord[];
  state: StageState;
}

function now(): string {
  return new Date().toISOString();
}

/** The trainable variables of a model (the underlying tf.Variables of its layer weights). */
export function modelVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

function pickBest(history: EpochRecord[]): EpochRecord {
  // Select on validation, never on test; without a validation split the last epoch is the pick.
  let best = history[history.length - 1];
  for (const record of history) if (record.val !== null && best.val !== null && record.val > best.val) best = record;
  return best;
}

export async function trainStage(options: StageOptions): Promise<StageOutcome> {
  const { model, terms, dataset, train, emit, stage } = options;
  const epochOffset = options.epochOffset ?? 0;
  const inputSize = dataset.inputShape.reduce((a, b) => a * b, 1);
  const studentLayers = [...new Set(terms.flatMap((t) => t.studentLayers))];
  const tapped = studentLayers.length > 0 ? tapModel(model, studentLayers) : model;
  const adapters = terms.flatMap((t) => t.trainableVariables());
  const variables = [...modelVariables(model), ...adapters];
  const optimizer = createOptimizer(train.optimizer);
  const stepsPerEpoch = Math.min(Math.ceil(dataset.train.count / train.batchSize), train.maxStepsPerEpoch ?? Infinity);

  const previous = readStageState(options.checkpointDir);
  let state: StageState = previous ?? { epoch: 0, partial: false, history: [], bestEpoch: 0, bestVal: -Infinity, complete: false };
  if (previous && previous.epoch > 0) await restoreCheckpoint(options.checkpointDir, previous, model, optimizer, adapters);
  // A stop mid-epoch keeps its updates; that epoch is then run again in full.
  const startEpoch = state.epoch + 1;

  emit({
    type: 'stage-start', time: now(), stage, role: options.role,
    epochs: train.epochs + epochOffset, stepsPerEpoch, terms: terms.map((t) => t.name), startEpoch: startEpoch + epochOffset,
  });

  const teacher = options.teacher;
  const needy = terms.filter((t) => t.needsTeacher).map((t) => t.name);
  if (!teacher && needy.length > 0) throw new Error(`stage "${stage}": loss terms ${needy.join(', ')} need a teacher, and none is set`);
  let globalStep = (startEpoch - 1) * stepsPerEpoch;
  let stopped = false;

  for (let epoch = startEpoch; epoch <= train.epochs && !stopped; epoch++) {
    const lr = learningRateAt(train.schedule, train.optimizer.lr, epoch - 1, train.epochs);
    setLearningRate(optimizer, lr);
    const epochStart = Date.now();
    let windowStart = Date.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let step = 0;
    for (const batch of iterateBatches(dataset.train, inputSize, train.batchSize, options.seed * 1000 + epoch)) {
      if (step >= stepsPerEpoch) break;
      step++;
      globalStep++;
      const result = trainStep(tapped, studentLayers, variables, optimizer, terms, teacher, batch, dataset, epoch + epochOffset, train.optimizer.weightDecay);
      lossSum += result.total * batch.size;
      correct += result.correct;
      seen += batch.size;
      const elapsed = (Date.now() - windowStart) / 1000;
      windowStart = Date.now();
      emit({
        type: 'step', time: now(), stage, epoch: epoch + epochOffset, step, stepsPerEpoch, globalStep,
        losses: result.losses, total: result.total, lr, samplesPerSec: elapsed > 0 ? batch.size / elapsed : 0,
      });
      if (!Number.isFinite(result.total)) throw new Error(`stage "${stage}": the loss became ${result.total} at epoch ${epoch}, step ${step}; lower the learning rate or check the loss weights`);
      if (options.shouldStop()) {
        stopped = true;
        break;
      }
    }
    if (stopped) {
      state = { ...state, epoch: epoch - 1, partial: true };
      await saveCheckpoint(options.checkpointDir, model, optimizer, adapters, state);
      emit({ type: 'checkpoint', time: now(), stage, epoch: epoch - 1 + epochOffset, path: relativeCheckpoint(options.checkpointDir, 'last') });
      break;
    }
    const val = dataset.validation.count > 0 ? evaluate(model, dataset.validation, dataset.inputShape) : undefined;
    const test = evaluate(model, dataset.test, dataset.inputShape);
    const record: EpochRecord = { epoch: epoch + epochOffset, val: val ? val.accuracy : null, test: test.accuracy, trainLoss: lossSum / seen, trainAcc: correct / seen };
    const history = [...state.history, record];
    const improved = record.val === null || record.val > state.bestVal || state.history.length === 0;
    if (improved) await saveBest(options.checkpointDir, model);
    state = {
      ...state, epoch, partial: false, history,
      bestEpoch: improved ? record.epoch : state.bestEpoch,
      bestVal: improved ? record.val ?? record.test : state.bestVal,
    };
    await saveCheckpoint(options.checkpointDir, model, optimizer, adapters, state);
    emit({
      type: 'epoch', time: now(), stage, epoch: epoch + epochOffset, epochs: train.epochs + epochOffset,
      trainLoss: record.trainLoss, trainAcc: record.trainAcc, valAcc: record.val, valLoss: val ? val.loss : null, lr, durationMs: Date.now() - epochStart,
    });
    emit({ type: 'checkpoint', time: now(), stage, epoch: epoch + epochOffset, path: relativeCheckpoint(options.checkpointDir, 'last') });
  }

  if (tapped !== model) tapped.dispose?.();
  optimizer.dispose();
  if (!stopped) {
    state = { ...state, complete: true };
    markComplete(options.checkpointDir, state);
  }
  const last = state.history[state.history.length - 1] ?? { epoch: 0, val: null, test: Number.NaN };
  const best = state.history.length > 0 ? pickBest(state.history) : last;
  return {
    stopped,
    best: { epoch: best.epoch, val: best.val, test: best.test },
    last: { epoch: last.epoch, val: last.val, test: last.test },
    history: state.history,
    state,
  };
}

function relativeCheckpoint(dir: string, which: string): string {
  const parts = dir.split(/[\\/]/);
  const at = parts.lastIndexOf('checkpoints');
  return [...parts.slice(at), which].join('/');
}

interface StepResult {
  losses: Record<string, number>;
  total: number;
  correct: number;
}

/** One optimisation step; returns each weighted term's value (one device read per step). */
export function trainStep(
  tapped: tf.LayersModel,
  studentLayers: string[],
  variables: tf.Variable[],
  optimizer: tf.Optimizer,
  terms: LossTerm[],
  teacher: TeacherSource | undefined,
  batch: Batch,
  dataset: Dataset,
  epoch: number,
  weightDecay: number,
): StepResult {
  const xs = tf.tensor(batch.x, [batch.size, ...dataset.inputShape]);
  const labelIndices = tf.tensor1d(batch.y, 'int32');
  const labels = tf.oneHot(labelIndices, dataset.classes).toFloat() as tf.Tensor2D;
  const teacherBatch = teacher?.forBatch(batch, xs);
  const kept: tf.Tensor[] = [];
  let hits: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const out = splitOutputs(tapped.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[], studentLayers);
    const inputs: LossInputs = {
      studentLogits: out.logits,
      teacherLogits: teacherBatch?.logits,
      labels,
      studentFeatures: out.features,
      teacherFeatures: teacherBatch?.features ?? {},
      epoch,
    };
    const weighted = terms.map((term) => tf.mul(term.weight, term.compute(inputs)) as tf.Scalar);
    const penalty = weightDecayPenalty(variables, weightDecay);
    const parts = penalty ? [...weighted, penalty] : weighted;
    const total = parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Scalar);
    kept.push(...weighted.map((w) => tf.keep(w)));
    hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), labelIndices), 'float32')));
    return total;
  }, variables);
  optimizer.applyGradients(grads);
  const readback = tf.tidy(() => tf.concat([tf.stack([value, hits as tf.Tensor]), ...(kept.length ? [tf.stack(kept)] : [])]).dataSync());
  const losses: Record<string, number> = {};
  terms.forEach((term, i) => (losses[term.name] = readback[2 + i]));
  tf.dispose([xs, labelIndices, labels, value, hits as tf.Tensor, ...kept, ...Object.values(grads)]);
  if (teacherBatch) tf.dispose([teacherBatch.logits, ...Object.values(teacherBatch.features)]);
  return { losses, total: readback[0], correct: readback[1] };
}
