// Trains one model (a stage of a run) on a weighted sum of loss terms, with a frozen teacher
// when the terms need one. The loss is built inside the gradient closure so every term's gradient
// reaches the student and its adapters; the teacher's outputs enter as constants.
import * as tf from '@tensorflow/tfjs';
import type { StageRole, RunEvent } from '../../protocol/events';
import type { TrainConfig } from '../config/types';
import type { Batch, Dataset } from '../data/types';
import { trainingBatches } from '../data/trainingBatches';
import { setRandomStep } from '../models/seededDropout';
import type { LossInputs, LossTerm } from '../losses/types';
import { tapModel } from '../models';
import { createOptimizer, learningRateAt, setLearningRate, weightDecayPenalty } from './optimizer';
import { splitOutputs, type TeacherSource } from './teacherOutputs';
import { batchTensors, StageProgress, stepsPerEpochOf, type StageOutcome, type StepResult } from './progress';

export type { StageOutcome } from './progress';

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
  /** Sees the first training batch of each epoch as the models see it (after augmentation). */
  onTrainingBatch?: (batch: Batch, epoch: number) => void;
}

/** The trainable variables of a model (the underlying tf.Variables of its layer weights). */
export function modelVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

export async function trainStage(options: StageOptions): Promise<StageOutcome> {
  const { model, terms, dataset, train, stage } = options;
  const epochOffset = options.epochOffset ?? 0;
  const studentLayers = [...new Set(terms.flatMap((t) => t.studentLayers))];
  const tapped = studentLayers.length > 0 ? tapModel(model, studentLayers) : model;
  const adapters = terms.flatMap((t) => t.trainableVariables());
  const variables = [...modelVariables(model), ...adapters];
  // Checkpointed after the adapters (positions matter): the terms' untrained state, e.g. CRD's memory.
  const termState = terms.flatMap((t) => t.stateVariables());
  const optimizer = createOptimizer(train.optimizer);
  const stepsPerEpoch = stepsPerEpochOf(dataset, train);

  const progress = await StageProgress.open({
    stage,
    role: options.role,
    model,
    optimizer,
    adapters: [...adapters, ...termState],
    dataset,
    train,
    checkpointDir: options.checkpointDir,
    emit: options.emit,
    epochOffset,
  });
  const startEpoch = progress.nextEpoch;
  progress.emitStart(
    terms.map((t) => t.name),
    stepsPerEpoch,
  );

  const teacher = options.teacher;
  const needy = terms.filter((t) => t.needsTeacher).map((t) => t.name);
  if (!teacher && needy.length > 0)
    throw new Error(`stage "${stage}": loss terms ${needy.join(', ')} need a teacher, and none is set`);
  let globalStep = (startEpoch - 1) * stepsPerEpoch + progress.stepsDone(startEpoch);
  let stopped = false;

  for (let epoch = startEpoch; epoch <= train.epochs && !stopped; epoch++) {
    const lr = learningRateAt(train.schedule, train.optimizer.lr, epoch - 1, train.epochs);
    setLearningRate(optimizer, lr);
    progress.beginEpoch(epoch);
    // A stop mid-epoch saved its position: the batches before it are skipped, in the same order.
    let step = progress.stepsDone(epoch);
    for (const batch of trainingBatches(dataset, train.batchSize, options.seed, epoch, step)) {
      if (step >= stepsPerEpoch) break;
      if (options.onTrainingBatch && step === 0) options.onTrainingBatch(batch, epoch);
      step++;
      globalStep++;
      setRandomStep(globalStep);
      const result = trainStep(
        tapped,
        studentLayers,
        variables,
        optimizer,
        terms,
        teacher,
        batch,
        dataset,
        epoch + epochOffset,
        train.optimizer.weightDecay,
      );
      progress.recordStep(epoch, step, stepsPerEpoch, globalStep, result, batch.size, lr);
      // Steps run synchronously; without a turn of the event loop a stop signal is never delivered.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.shouldStop()) {
        stopped = true;
        break;
      }
    }
    if (stopped) {
      await progress.saveStopped(epoch, step);
      break;
    }
    await progress.endEpoch(epoch, lr);
  }

  // The tapped view owns no weights; disposing it would dispose the shared layers' weights.
  optimizer.dispose();
  return await progress.finish(stopped);
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
  if (teacher?.cached && batch.augmented)
    throw new Error(
      'a cached teacher output describes an un-augmented example; augmented batches need the live teacher',
    );
  const { xs, labelIndices, labels } = batchTensors(batch, dataset);
  // The teacher sees the very tensor the student sees (consistent teaching, mixed images included).
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
      indices: batch.indices,
      modelInputs: xs,
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
  const readback = tf.tidy(() =>
    tf.concat([tf.stack([value, hits as tf.Tensor]), ...(kept.length ? [tf.stack(kept)] : [])]).dataSync(),
  );
  const losses: Record<string, number> = {};
  terms.forEach((term, i) => (losses[term.name] = readback[2 + i]));
  tf.dispose([xs, labelIndices, labels, value, hits as tf.Tensor, ...kept, ...Object.values(grads)]);
  if (teacherBatch) tf.dispose([teacherBatch.logits, ...Object.values(teacherBatch.features)]);
  return { losses, total: readback[0], correct: readback[1] };
}
