// What every scheme needs while it runs: the experiment, the data, the event sink, the stop flag,
// and the steps shared by all schemes (train a stage, measure a model, build loss terms).
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import type { Experiment, LossSpec, ModelSpec, TrainConfig } from '../config/types';
import { sampleImages } from '../data/augment/samples';
import type { Batch, Dataset, Split } from '../data/types';
import type { LossTerm } from '../losses/types';
import type { ModelMetrics, ModelSummary, RunEvent, StageRole } from '../../protocol/events';
import { createLossTerms } from '../losses';
import { measureLatencyMs, summarizeModel, tapModel } from '../models';
import { RunWriter } from '../store/runStore';
import { bestModelPath, copyWeightsFrom, markComplete, openCheckpoint } from '../train/checkpoint';
import { evaluate } from '../train/evaluate';
import { trainStage, type StageOutcome } from '../train/stage';
import {
  cacheBytes,
  cachedTeacher,
  computeOutputs,
  liveTeacher,
  servedTeacher,
  type TeacherSource,
} from '../train/teacherOutputs';
import { SweepShare } from '../sweep/share';
import { WaitStopped } from '../sweep/produceOnce';
import { modelJsonOf } from '../sweep/sharedTeacher';
import { modelBudget } from './budget';
import { layerShapes, resolveModel, type ResolvedModel } from './resolveModel';
import { layerLinks } from './links';
import { requireTopKTerms } from '../train/topKLogits';
import type { InitPair } from '../models/initFromTeacher';

/** Thrown when a stop was requested; the run ends as "stopped" with its checkpoints kept. */
export class RunStopped extends Error {
  constructor() {
    super('stopped');
  }
}

/** A trained (or loaded) model with its measured metrics. */
export interface TrainedModel {
  stage: string;
  model: tf.LayersModel;
  metrics: ModelMetrics;
}

function describeTopK(topK: NonNullable<TeacherSource['topK']>): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  return `teacher logits cached as their top ${topK.k}: ${kb(topK.bytes)} instead of ${kb(topK.fullBytes)} (${((100 * topK.bytes) / topK.fullBytes).toFixed(1)}%); the teacher's mass outside the top ${topK.k} is ${(100 * topK.meanTailMass).toFixed(2)}% on average, ${(100 * topK.maxTailMass).toFixed(2)}% at most`;
}

/** Largest teacher-output cache kept in memory; beyond it the teacher runs on every batch. */
const MAX_CACHE_BYTES = 1024 * 1024 * 1024;

/** How many augmented examples the panel's sample grid shows. */
const SAMPLE_COUNT = 12;

export class RunContext {
  readonly models: Record<string, ModelMetrics> = {};
  /** What this run shares with the other runs of its sweep (shared teachers, cached teacher outputs). */
  readonly share?: SweepShare;
  /** Teachers handed out by teacher(): frozen from then on, so their outputs may be cached across runs. */
  private readonly frozen = new WeakSet<tf.LayersModel>();
  private liveTeacherNoted = false;
  private samplesShown = false;

  constructor(
    readonly experiment: Experiment,
    readonly dataset: Dataset,
    readonly writer: RunWriter,
    readonly runsDir: string,
    private readonly sink: (event: RunEvent) => void,
    readonly shouldStop: () => boolean,
  ) {
    const shared = experiment.sweep?.shared;
    if (shared)
      this.share = new SweepShare({
        dir: path.resolve(runsDir, shared.dir),
        teachers: shared.teachers,
        owner: path.basename(writer.dir),
        shouldStop,
        log: (message) => this.log('info', message),
      });
  }

  emit(event: RunEvent): void {
    this.sink(event);
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.emit({ type: 'log', time: new Date().toISOString(), level, message });
  }

  resolve(spec: ModelSpec, name: string): Promise<ResolvedModel> {
    return resolveModel(spec, name, this.experiment, this.dataset, this.runsDir, this.experiment.seed);
  }

  /** The budget for a model trained on its own: the experiment's, overridden by the model's `train`. */
  budgetFor(spec?: ModelSpec): TrainConfig {
    return modelBudget(this.experiment, spec);
  }

  terms(specs: LossSpec[], student: tf.LayersModel, teacher?: tf.LayersModel): LossTerm[] {
    return createLossTerms(specs, {
      teacherShapes: teacher ? layerShapes(teacher) : {},
      studentShapes: layerShapes(student),
      classes: this.dataset.classes,
      seed: this.experiment.seed,
      trainSize: this.dataset.train.count,
    });
  }

  summary(model: tf.LayersModel, name: string): ModelSummary {
    return summarizeModel(model, name);
  }

  emitModels(models: Record<string, tf.LayersModel>, terms: LossTerm[], init: InitPair[] = []): void {
    const summaries: Record<string, ModelSummary> = {};
    for (const [stage, model] of Object.entries(models)) summaries[stage] = this.summary(model, stage);
    this.emit({ type: 'models', time: new Date().toISOString(), models: summaries, links: layerLinks(terms, init) });
  }

  /**
   * Serves a frozen teacher's logits and tapped features: cached once when that fits (in a sweep, on
   * disk once for all its runs), else live.
   */
  async teacherSource(teacher: tf.LayersModel, terms: LossTerm[]): Promise<TeacherSource> {
    const tapped = [...new Set(terms.flatMap((t) => t.teacherLayers))];
    const model = tapped.length > 0 ? tapModel(teacher, tapped) : teacher;
    const shapes = model.outputs.map((o) => o.shape.slice(1) as number[]);
    if (this.dataset.augment.length > 0) {
      // A cached output describes the un-augmented example; with augmentation the teacher must see each batch.
      if (!this.liveTeacherNoted && this.experiment.distill.cacheTeacher)
        this.log(
          'info',
          `augmentation is on: the teacher runs on every augmented batch (its outputs are not cached${this.experiment.distill.cacheTopK !== undefined ? ', so cacheTopK does not apply' : ''})`,
        );
      this.liveTeacherNoted = true;
      return liveTeacher(model, tapped);
    }
    if (this.experiment.distill.cacheTeacher && cacheBytes(shapes, this.dataset.train.count) <= MAX_CACHE_BYTES) {
      const { train, inputShape } = this.dataset;
      const topK = this.experiment.distill.cacheTopK;
      if (topK !== undefined) requireTopKTerms(terms);
      // A sweep keeps full outputs on disk once for all its runs; a top-k cache stays per run, in memory.
      if (this.share && this.frozen.has(teacher) && topK === undefined) {
        const outputs = await this.waitFor(
          this.share.outputs(teacher, train, inputShape, `train:${JSON.stringify(tapped)}`, () =>
            computeOutputs(model, tapped, train, inputShape),
          ),
        );
        return servedTeacher(outputs, tapped);
      }
      const source = cachedTeacher(model, tapped, train, inputShape, topK);
      if (source.topK) this.log('info', describeTopK(source.topK));
      return source;
    }
    return liveTeacher(model, tapped);
  }

  checkpointDir(stage: string): string {
    return this.writer.checkpointDir(stage);
  }

  /**
   * Trains `model` as `stage` (or, when resuming, skips a stage that already completed), then loads
   * its best-validation weights back into it and measures it.
   */
  async trainStage(
    stage: string,
    role: StageRole,
    model: tf.LayersModel,
    terms: LossTerm[],
    budget: TrainConfig,
    teacher?: TeacherSource,
    epochOffset = 0,
    /** The data this stage trains on, when not the run's (a Noisy Student round's labelled + pseudo-labelled data). */
    dataset: Dataset = this.dataset,
  ): Promise<TrainedModel> {
    const reused = await this.reuseCompleted(stage, model);
    if (reused) return reused;
    const outcome = await trainStage({
      stage,
      role,
      model,
      terms,
      teacher,
      dataset,
      train: budget,
      seed: this.experiment.seed,
      checkpointDir: this.checkpointDir(stage),
      emit: (e) => this.emit(e),
      shouldStop: this.shouldStop,
      epochOffset,
      onTrainingBatch: (batch, epoch) => this.showSamples(stage, batch, epoch, dataset),
    });
    if (outcome.stopped) throw new RunStopped();
    return this.completeStage(stage, role, model, outcome);
  }

  /** Emits, once per run, a few training examples as the models see them (only when augmentation is on). */
  private showSamples(stage: string, batch: Batch, epoch: number, dataset: Dataset): void {
    if (this.samplesShown || !batch.augmented) return;
    this.samplesShown = true;
    const augment = dataset.augment;
    const samples = sampleImages(batch, dataset.inputShape, augment, SAMPLE_COUNT);
    this.emit({
      type: 'samples',
      time: new Date().toISOString(),
      stage,
      epoch,
      shape: samples.shape,
      count: samples.count,
      pixels: Buffer.from(samples.bytes).toString('base64'),
      ops: augment.map((a) => a.type),
    });
  }

  /** When `stage` already completed (a resumed run), loads its best weights into `model` and reports it again. */
  async reuseCompleted(stage: string, model: tf.LayersModel): Promise<TrainedModel | undefined> {
    const dir = this.checkpointDir(stage);
    const done = openCheckpoint(dir, (message) => this.log('warn', `${stage}: ${message}`))?.state;
    if (!done?.complete || !done.metrics) return undefined;
    await copyWeightsFrom(bestModelPath(dir), model);
    this.log('info', `stage "${stage}" already complete; reusing its checkpoint`);
    this.models[stage] = done.metrics;
    this.emit({ type: 'stage-end', time: new Date().toISOString(), stage, metrics: done.metrics });
    return { stage, model, metrics: done.metrics };
  }

  /** After a stage trained to its end: loads its best-validation weights into `model`, measures it, records it complete. */
  async completeStage(
    stage: string,
    role: StageRole,
    model: tf.LayersModel,
    outcome: StageOutcome,
  ): Promise<TrainedModel> {
    const dir = this.checkpointDir(stage);
    await copyWeightsFrom(bestModelPath(dir), model);
    const metrics: ModelMetrics = {
      stage,
      role,
      summary: this.summary(model, stage),
      best: outcome.best,
      last: outcome.last,
      latencyMs: measureLatencyMs(model, this.dataset.inputShape),
    };
    await markComplete(dir, { ...outcome.state, metrics });
    this.models[stage] = metrics;
    this.emit({ type: 'stage-end', time: new Date().toISOString(), stage, metrics });
    return { stage, model, metrics };
  }

  /** Measures a model that is not trained in this run (loaded, or reused from another cell). */
  measurePretrained(stage: string, role: StageRole, model: tf.LayersModel): TrainedModel {
    const val =
      this.dataset.validation.count > 0
        ? evaluate(model, this.dataset.validation, this.dataset.inputShape).accuracy
        : null;
    const test = evaluate(model, this.dataset.test, this.dataset.inputShape).accuracy;
    const at = { epoch: 0, val, test };
    const metrics: ModelMetrics = {
      stage,
      role,
      summary: this.summary(model, stage),
      best: at,
      last: at,
      latencyMs: measureLatencyMs(model, this.dataset.inputShape),
    };
    this.models[stage] = metrics;
    this.emit({ type: 'stage-end', time: new Date().toISOString(), stage, metrics });
    return { stage, model, metrics };
  }

  /**
   * A teacher ready to distill from: loaded or reused as is, or trained on labels first (stage 1). In a
   * sweep that shares teachers, one trained on labels is trained by the first run that needs it and
   * loaded by the others.
   */
  async teacher(resolved: ResolvedModel, spec: ModelSpec, stage = 'teacher'): Promise<TrainedModel> {
    const teacher = await this.teacherModel(resolved, spec, stage);
    this.frozen.add(teacher.model);
    return teacher;
  }

  private async teacherModel(resolved: ResolvedModel, spec: ModelSpec, stage: string): Promise<TrainedModel> {
    if (resolved.pretrained) {
      this.log('info', `${stage}: using trained weights from ${resolved.origin}`);
      return this.share
        ? this.measureFrozen(stage, resolved.model)
        : this.measurePretrained(stage, 'teacher', resolved.model);
    }
    const train = () => {
      const ce = this.terms([{ type: 'ce', weight: 1 }], resolved.model);
      return this.trainStage(stage, 'teacher', resolved.model, ce, this.budgetFor(spec));
    };
    const key = this.share?.teacherKey(stage);
    if (!this.share || !key) return train();
    const shared = await this.waitFor(this.share.teacher(stage, key, train));
    const mine = this.models[stage];
    if (shared.trainedBy === this.share.owner && mine) return { stage, model: resolved.model, metrics: mine };
    await copyWeightsFrom(modelJsonOf(shared), resolved.model);
    this.log('info', `${stage}: the sweep's shared teacher ${key}, trained by run ${shared.trainedBy}`);
    this.models[stage] = shared.metrics;
    this.emit({ type: 'stage-end', time: new Date().toISOString(), stage, metrics: shared.metrics });
    return { stage, model: resolved.model, metrics: shared.metrics };
  }

  /** A stop requested while this run waits for another run's shared result ends it as stopped. */
  private async waitFor<T>(promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof WaitStopped) throw new RunStopped();
      throw error;
    }
  }

  /** A frozen teacher's logits on a split: from the sweep's shared cache when this run has one, else computed. */
  async frozenLogits(model: tf.LayersModel, split: Split): Promise<Float32Array> {
    const logits = () =>
      (evaluate(model, split, this.dataset.inputShape, true).logits as Float32Array) ?? new Float32Array(0);
    if (!this.share || !this.frozen.has(model) || split.count === 0) return logits();
    const classes = (model.outputs[model.outputs.length - 1].shape[1] ?? 0) as number;
    const [table] = await this.waitFor(
      this.share.outputs(model, split, this.dataset.inputShape, 'logits:evaluate', () => [
        { name: null, shape: [classes], rowSize: classes, data: logits() },
      ]),
    );
    return table.data;
  }

  /** measurePretrained for a loaded teacher in a sweep: its accuracies from the shared cache of its logits. */
  private async measureFrozen(stage: string, model: tf.LayersModel): Promise<TrainedModel> {
    this.frozen.add(model);
    const accuracy = async (split: Split) => accuracyOf(await this.frozenLogits(model, split), split);
    const val = this.dataset.validation.count > 0 ? await accuracy(this.dataset.validation) : null;
    const at = { epoch: 0, val, test: await accuracy(this.dataset.test) };
    const metrics: ModelMetrics = {
      stage,
      role: 'teacher',
      summary: this.summary(model, stage),
      best: at,
      last: at,
      latencyMs: measureLatencyMs(model, this.dataset.inputShape),
    };
    this.models[stage] = metrics;
    this.emit({ type: 'stage-end', time: new Date().toISOString(), stage, metrics });
    return { stage, model, metrics };
  }
}

/** Top-1 accuracy of a logit table (first maximum wins, as tf.argMax). */
function accuracyOf(logits: Float32Array, split: Split): number {
  const classes = logits.length / split.count;
  let correct = 0;
  for (let i = 0; i < split.count; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[i * classes + k] > logits[i * classes + best]) best = k;
    if (best === split.y[i]) correct++;
  }
  return correct / split.count;
}
