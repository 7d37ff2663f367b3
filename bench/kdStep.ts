// The benchmark's workloads: a frozen teacher and a student, built by the engine's model builder,
// trained with the engine's own optimisation step (src/engine/train/stage.ts: trainStep) on
// α·CE + (1−α)·T²·KL, so the figures measure the product rather than a copy of it.
import * as tf from '@tensorflow/tfjs';
import type { BuildableSpec } from '../src/engine/models';
import { buildModel } from '../src/engine/models';
import type { Batch, Dataset, Split } from '../src/engine/data/types';
import { createLossTerms } from '../src/engine/losses';
import type { LossTerm } from '../src/engine/losses';
import { createOptimizer } from '../src/engine/train/optimizer';
import { modelVariables, trainStep } from '../src/engine/train/stage';
import { cachedTeacher, liveTeacher, type TeacherSource } from '../src/engine/train/teacherOutputs';
import type { StepResult } from '../src/engine/train/progress';
import { createRng } from '../src/engine/random';

export interface PairSpec {
  name: string;
  inputShape: number[];
  classes: number;
  batchSize: number;
  teacher: BuildableSpec;
  student: BuildableSpec;
}

/** Hinton et al. 2015: a 784-1200-1200-10 teacher and a 784-800-800-10 student, batch 128. */
export const HINTON_MLP: PairSpec = {
  name: 'hinton-mlp',
  inputShape: [784],
  classes: 10,
  batchSize: 128,
  teacher: { preset: 'mlp', hidden: [1200, 1200] },
  student: { preset: 'mlp', hidden: [800, 800] },
};

/** A LeNet-5-sized teacher and a narrower LeNet student on 28×28×1 images, batch 64. */
export const LENET_PAIR: PairSpec = {
  name: 'lenet5-conv',
  inputShape: [28, 28, 1],
  classes: 10,
  batchSize: 64,
  teacher: { preset: 'lenet5', width: 1 },
  student: { preset: 'lenet5', width: 0.5 },
};

/** The CIFAR family's ResNet-20 teacher and ResNet-8 student on 32×32×3 images, batch 128. */
export const RESNET_PAIR: PairSpec = {
  name: 'resnet20-resnet8',
  inputShape: [32, 32, 3],
  classes: 10,
  batchSize: 128,
  teacher: { preset: 'resnet', depth: 20 },
  student: { preset: 'resnet', depth: 8 },
};

/** VGG-13 teacher and the nearest preset to RepDistiller's VGG-8 student: VGG-11 at half width. */
export const VGG_PAIR: PairSpec = {
  name: 'vgg13-vgg11w0.5',
  inputShape: [32, 32, 3],
  classes: 10,
  batchSize: 128,
  teacher: { preset: 'vgg', depth: 13 },
  student: { preset: 'vgg', depth: 11, width: 0.5 },
};

/** ResNet-20 teacher and RepDistiller's MobileNetV2 student (width 0.5). */
export const MOBILENET_PAIR: PairSpec = {
  name: 'resnet20-mobilenetv2w0.5',
  inputShape: [32, 32, 3],
  classes: 10,
  batchSize: 128,
  teacher: { preset: 'resnet', depth: 20 },
  student: { preset: 'mobilenetV2', width: 0.5 },
};

/** A small pair for the memory run (many steps, little compute). */
export const SMALL_MLP: PairSpec = {
  name: 'small-mlp',
  inputShape: [784],
  classes: 10,
  batchSize: 32,
  teacher: { preset: 'mlp', hidden: [64] },
  student: { preset: 'mlp', hidden: [32] },
};

/** Random inputs with random labels: throughput does not depend on the values. */
export function randomDataset(spec: PairSpec, count: number, seed = 1): Dataset {
  const rng = createRng(seed);
  const size = spec.inputShape.reduce((a, b) => a * b, 1);
  const split = (n: number): Split => {
    const x = new Float32Array(n * size);
    for (let i = 0; i < x.length; i++) x[i] = rng();
    const y = Int32Array.from({ length: n }, () => Math.floor(rng() * spec.classes));
    return { x, y, count: n };
  };
  const empty: Split = { x: new Float32Array(0), y: new Int32Array(0), count: 0 };
  return {
    name: `random-${spec.name}`,
    inputShape: spec.inputShape,
    classes: spec.classes,
    classNames: Array.from({ length: spec.classes }, (_, i) => String(i)),
    augment: [],
    train: split(count),
    validation: empty,
    test: empty,
  };
}

export interface KdWorkload {
  spec: PairSpec;
  teacher: tf.LayersModel;
  student: tf.LayersModel;
  dataset: Dataset;
  terms: LossTerm[];
  optimizer: tf.Optimizer;
  variables: tf.Variable[];
  dispose(): void;
}

/** Hinton's objective as the engine's experiment files write it: 0.1·CE + 0.9·T²·KL at T = 4. */
export function hintonTerms(classes: number): LossTerm[] {
  return createLossTerms(
    [
      { type: 'ce', weight: 0.1 },
      { type: 'kd', weight: 0.9, temperature: 4, scaleByTemperatureSquared: true },
    ],
    { teacherShapes: {}, studentShapes: {}, classes, seed: 1 },
  );
}

export function createWorkload(spec: PairSpec, examples: number, seed = 1): KdWorkload {
  const ctx = { inputShape: spec.inputShape, classes: spec.classes, seed };
  const teacher = buildModel(spec.teacher, { ...ctx, name: 'teacher' }).model;
  const student = buildModel(spec.student, { ...ctx, name: 'student', seed: seed + 1 }).model;
  teacher.trainable = false;
  const dataset = randomDataset(spec, examples, seed);
  const terms = hintonTerms(spec.classes);
  const optimizer = createOptimizer({
    type: 'adam',
    lr: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    weightDecay: 0,
  });
  const variables = modelVariables(student);
  return {
    spec,
    teacher,
    student,
    dataset,
    terms,
    optimizer,
    variables,
    dispose() {
      optimizer.dispose();
      terms.forEach((t) => t.dispose());
      teacher.dispose();
      student.dispose();
    },
  };
}

/** The teacher as the trainer would serve it: a forward pass per step, or a table of cached logits. */
export function teacherSource(work: KdWorkload, cached: boolean): TeacherSource {
  return cached
    ? cachedTeacher(work.teacher, [], work.dataset.train, work.spec.inputShape)
    : liveTeacher(work.teacher, []);
}

/** The i-th batch of the workload's training split (wrapping around), indices included for the cache. */
export function batchAt(work: KdWorkload, i: number): Batch {
  const { train, inputShape } = work.dataset;
  const size = inputShape.reduce((a, b) => a * b, 1);
  const n = work.spec.batchSize;
  const batches = Math.floor(train.count / n);
  const start = (i % batches) * n;
  return {
    x: train.x.slice(start * size, (start + n) * size),
    y: train.y.slice(start, start + n),
    indices: Int32Array.from({ length: n }, (_, k) => start + k),
    size: n,
  };
}

/** One optimisation step of the student exactly as the engine's trainer runs it. */
export function kdStep(work: KdWorkload, teacher: TeacherSource, batch: Batch): StepResult {
  return trainStep(work.student, [], work.variables, work.optimizer, work.terms, teacher, batch, work.dataset, 1, 0);
}

/** A warmed-up workload: `step(i)` runs the i-th step after the warm-up ones. */
export interface WarmWorkload {
  work: KdWorkload;
  step(i: number): StepResult;
}

/**
 * Builds the pair's workload (8 batches of random data), runs `warmup` steps with the teacher live
 * or cached, hands the warm workload to `body`, and disposes of everything once `body` is done
 * (once its promise settles, when it returns one). The one place where the benchmark's timings
 * and profiles set up and warm a step.
 */
export function withWarmWorkload<T>(
  spec: PairSpec,
  options: { cached: boolean; warmup: number; prepare?: (work: KdWorkload) => void },
  body: (warm: WarmWorkload) => T,
): T {
  const work = createWorkload(spec, spec.batchSize * 8);
  let teacher: TeacherSource | undefined;
  const cleanup = (): void => {
    teacher?.dispose();
    work.dispose();
  };
  let result: T;
  try {
    options.prepare?.(work);
    const source = (teacher = teacherSource(work, options.cached));
    for (let i = 0; i < options.warmup; i++) kdStep(work, source, batchAt(work, i));
    result = body({ work, step: (i) => kdStep(work, source, batchAt(work, options.warmup + i)) });
  } catch (error) {
    cleanup();
    throw error;
  }
  if (result instanceof Promise) return result.finally(cleanup) as T;
  cleanup();
  return result;
}
