// Noisy Student (Xie et al. 2020): a teacher trained on the labelled data pseudo-labels the
// unlabeled data (`data.unlabeled`), without noise; a student learns from labelled + pseudo-labelled
// examples under noise (dropout before its logits, augmentation of its batches, the model's own
// dropout); the student becomes the teacher of the next round. Round k is the stage `round-k`, so
// each round has its own events and metrics; the last round's student is the product. Each round's
// pseudo-labels are a pure function of its teacher's weights, so a resumed run rebuilds them exactly
// and continues the round it stopped in.
import type * as tf from '@tensorflow/tfjs';
import type { AugmentSpec, DistillConfig } from '../config/types';
import { checkAugment, imageShapeOf, normalizeChannels } from '../data/augment/augment';
import type { Dataset, Split } from '../data/types';
import type { LossTerm } from '../losses/types';
import { withLogitsDropout } from '../models/noiseDropout';
import type { RunContext, TrainedModel } from '../run/context';
import { evaluate } from '../train/evaluate';
import { pseudoLabel, type PseudoLabelOptions, type PseudoLabels } from './pseudoLabels';
import { rejectStages, resolveSeeded, trainBaseline } from './stages';
import type { SchemeResult } from './types';

export const DEFAULT_ITERATIONS = 2;
export const NOISY_STUDENT_DEFAULTS = { pseudoLabels: 'soft', threshold: 0, pseudoTemperature: 1 } as const;

export function roundStage(k: number): string {
  return `round-${k}`;
}

/** The pseudo-labelling settings of `distill`, checked (the schema states the same bounds). */
export function pseudoLabelOptions(distill: DistillConfig): PseudoLabelOptions {
  const mode = distill.pseudoLabels ?? NOISY_STUDENT_DEFAULTS.pseudoLabels;
  const threshold = distill.threshold ?? NOISY_STUDENT_DEFAULTS.threshold;
  const temperature = distill.pseudoTemperature ?? NOISY_STUDENT_DEFAULTS.pseudoTemperature;
  if (mode !== 'soft' && mode !== 'hard')
    throw new Error(`distill.pseudoLabels must be "soft" or "hard", got ${JSON.stringify(mode)}`);
  if (!(threshold >= 0 && threshold <= 1))
    throw new Error(`distill.threshold must be a probability in [0, 1], got ${threshold}`);
  if (!(temperature > 0)) throw new Error(`distill.pseudoTemperature must be positive, got ${temperature}`);
  if (distill.perClass !== undefined && !(Number.isInteger(distill.perClass) && distill.perClass >= 1))
    throw new Error(`distill.perClass must be a whole number of at least 1, got ${distill.perClass}`);
  return { mode, threshold, temperature, perClass: distill.perClass };
}

/** distill.noise.augment, checked against the data like data.augment (normalize belongs to data.augment). */
function noiseAugment(distill: DistillConfig, inputShape: number[]): AugmentSpec[] {
  const augment = distill.noise?.augment ?? [];
  augment.forEach((spec, i) => {
    if (spec.type === 'normalize')
      throw new Error(
        `distill.noise.augment[${i}]: normalize is not noise; put it in data.augment so every model sees it`,
      );
  });
  try {
    checkAugment(augment, inputShape);
  } catch (error) {
    throw new Error((error as Error).message.replace(/^data\.augment/, 'distill.noise.augment'), { cause: error });
  }
  return augment;
}

/** The unlabeled examples as evaluation sees data: with data.augment's normalize ops applied when they run per batch. */
function evaluationView(split: Split, dataset: Dataset): Split {
  const ops = dataset.augment.filter((a) => a.type === 'normalize');
  if (ops.length === 0) return split;
  const x = split.x.slice();
  const channels = imageShapeOf(dataset.inputShape).channels;
  for (const op of ops) normalizeChannels(x, channels, op.mean, op.std);
  return { ...split, x };
}

/** The labelled training split followed by the pseudo-labelled examples (with soft targets, labelled rows one-hot). */
export function withPseudoLabels(
  labelled: Split,
  unlabeled: Split,
  labels: PseudoLabels,
  classes: number,
  mode: PseudoLabelOptions['mode'],
): Split {
  const rowSize = labelled.count > 0 ? labelled.x.length / labelled.count : unlabeled.x.length / unlabeled.count;
  const count = labelled.count + labels.rows.length;
  const x = new Float32Array(count * rowSize);
  x.set(labelled.x);
  labels.rows.forEach((row, r) =>
    x.set(unlabeled.x.subarray(row * rowSize, (row + 1) * rowSize), (labelled.count + r) * rowSize),
  );
  const y = new Int32Array(count);
  y.set(labelled.y);
  y.set(labels.y, labelled.count);
  // Hard labels are the rows' classes: `y` says it all.
  if (mode === 'hard') return { x, y, count };
  const targets = new Float32Array(count * classes);
  for (let i = 0; i < labelled.count; i++) targets[i * classes + labelled.y[i]] = 1;
  targets.set(labels.targets, labelled.count * classes);
  return { x, y, count, targets };
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : 'n/a';
}

/** One line on a round's pseudo-labels, with their accuracy where the unlabeled source has the same classes. */
function describeLabels(stage: string, labels: PseudoLabels, unlabeled: Split, options: PseudoLabelOptions): string {
  const confident = labels.confident.reduce((a, b) => a + b, 0);
  let checked = 0;
  let right = 0;
  labels.rows.forEach((row, r) => {
    if (unlabeled.y[row] < 0) return;
    checked++;
    if (unlabeled.y[row] === labels.y[r]) right++;
  });
  const accuracy =
    checked > 0 ? `; ${percent(right, checked)} agree with the source's own labels (never trained on)` : '';
  return `${stage}: ${options.mode} pseudo-labels on ${unlabeled.count} unlabeled examples: ${confident} at or above threshold ${options.threshold}, ${labels.rows.length} training rows${options.perClass !== undefined ? ` (balanced to ${options.perClass} per class)` : ''}, per class [${labels.perClass.join(', ')}]${accuracy}`;
}

export async function noisyStudent(ctx: RunContext): Promise<SchemeResult> {
  const { experiment, dataset } = ctx;
  const { distill } = experiment;
  const unlabeled = dataset.unlabeled;
  if (!unlabeled || unlabeled.count === 0)
    throw new Error('distill.scheme "noisyStudent" needs data.unlabeled: the examples the teacher pseudo-labels');
  if (!experiment.teacher)
    throw new Error(
      'distill.scheme "noisyStudent" needs a teacher: round 1 learns its pseudo-labels (a model trained on the labelled data first, a saved model, or fromCell)',
    );
  rejectStages(ctx, 'noisyStudent', 'each round trains once on labels and pseudo-labels');
  const iterations = distill.iterations ?? DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new Error(`distill.iterations must be a whole number of at least 1, got ${iterations}`);
  const options = pseudoLabelOptions(distill);
  const augment = noiseAugment(distill, dataset.inputShape);
  const dropout = distill.noise?.dropout ?? 0;

  const specs = distill.students ?? [];
  if (specs.length > 0 && specs.length !== iterations)
    throw new Error(
      `distill.students: expected one model per round: ${iterations} round${iterations === 1 ? '' : 's'}, ${specs.length} model${specs.length === 1 ? '' : 's'}`,
    );
  const teacherResolved = await ctx.resolve(experiment.teacher, 'teacher');
  const students: tf.LayersModel[] = [];
  for (let k = 1; k <= iterations; k++) {
    // Every round starts from a fresh initialisation of its own (seed + k − 1: round 1 as a baseline would).
    const spec = specs[k - 1] ?? experiment.student;
    const built = await resolveSeeded(ctx, spec, roundStage(k), experiment.seed + k - 1);
    if (built.pretrained)
      throw new Error(
        `distill.scheme "noisyStudent": the student of round ${k} must be a layer list or a preset (each round trains a fresh one), not a saved or reused model`,
      );
    students.push(withLogitsDropout(built.model, dropout, experiment.seed + k - 1));
  }
  const baseline = experiment.baseline ? await ctx.resolve(experiment.student, 'baseline') : undefined;
  const termsOf = (model: tf.LayersModel): LossTerm[] => {
    const terms = ctx.terms(distill.losses, model);
    const needy = terms.filter((t) => t.needsTeacher).map((t) => t.name);
    if (needy.length > 0) {
      terms.forEach((t) => t.dispose());
      throw new Error(
        `distill.scheme "noisyStudent": loss terms ${needy.join(', ')} need a teacher's outputs per batch; the teacher speaks through the pseudo-labels, so use "ce" (with soft pseudo-labels it is the cross-entropy with the teacher's distribution)`,
      );
    }
    return terms;
  };
  // Checked before anything trains.
  termsOf(students[0]).forEach((t) => t.dispose());

  const architectures: SchemeResult['live'] = { teacher: teacherResolved.model };
  students.forEach((m, i) => (architectures[roundStage(i + 1)] = m));
  if (baseline) architectures.baseline = baseline.model;
  ctx.emitModels(architectures, []);

  const original = await ctx.teacher(teacherResolved, experiment.teacher);
  const noised: Dataset = { ...dataset, augment: [...dataset.augment, ...augment] };
  const view = evaluationView(unlabeled, dataset);
  const trained: TrainedModel[] = [original];
  for (let k = 1; k <= iterations; k++) {
    const stage = roundStage(k);
    const teacher = trained[k - 1];
    // The teacher labels without noise: evaluation mode, un-augmented examples.
    const logits = evaluate(teacher.model, view, dataset.inputShape, true).logits as Float32Array;
    const labels = pseudoLabel(logits, dataset.classes, options);
    ctx.log('info', describeLabels(stage, labels, unlabeled, options));
    const train = withPseudoLabels(dataset.train, unlabeled, labels, dataset.classes, options.mode);
    const terms = termsOf(students[k - 1]);
    try {
      trained.push(
        await ctx.trainStage(stage, 'student', students[k - 1], terms, ctx.budgetFor(specs[k - 1]), undefined, 0, {
          ...noised,
          train,
        }),
      );
    } finally {
      terms.forEach((t) => t.dispose());
    }
    // A teacher of an earlier round is no longer needed (the original stays for the final comparison).
    if (k >= 2 && trained[k - 1] !== original) trained[k - 1].model.dispose();
  }

  const product = trained[iterations];
  const direct = trained[iterations - 1];
  const live: SchemeResult['live'] = { [product.stage]: product.model, [original.stage]: original.model };
  if (baseline) {
    await trainBaseline(ctx, baseline.model, experiment.train.epochs);
    live.baseline = baseline.model;
  }
  return {
    product: product.stage,
    teacher: direct.stage,
    reference: {
      stages: [original.stage],
      weights: [1],
      label: `${original.stage} (the original, before the rounds)`,
    },
    baseline: baseline ? 'baseline' : undefined,
    live,
  };
}
