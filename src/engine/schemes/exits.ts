// Self-distillation within one network (deep to shallow exits): the student gains an auxiliary
// classifier at each layer named in `distill.exits`, trained jointly with it (see exitHeads.ts).
// The product is the student with its final head only.
import type { RunContext } from '../run/context';
import { layerShapes } from '../run/resolveModel';
import type { SchemeResult } from './types';
import { createExitHead, exitObjective } from './exitHeads';
import { rejectStages, trainBaseline, warnIgnored } from './stages';

export async function selfExits(ctx: RunContext): Promise<SchemeResult> {
  const { experiment, dataset } = ctx;
  rejectStages(ctx, 'self (exits)', 'the auxiliary heads train with the student in one schedule');
  const exits = experiment.distill.exits ?? [];
  if (exits.length === 0)
    throw new Error(
      'distill.selfMode "exits" needs distill.exits: the names of the student layers that get an auxiliary classifier',
    );
  if (experiment.teacher) warnIgnored(ctx, 'teacher', 'self (exits: the network teaches its own shallow exits)');

  const student = await ctx.resolve(experiment.student, 'student');
  const baseline = experiment.baseline ? await ctx.resolve(experiment.student, 'baseline') : undefined;
  const shapes = layerShapes(student.model);
  for (const layer of exits) {
    if (!shapes[layer])
      throw new Error(
        `distill.exits: the student has no layer "${layer}"; its layers are ${Object.keys(shapes).join(', ')}`,
      );
  }
  // The student is its own teacher: layer-reading terms name two of its own layers.
  const inner = ctx.terms(experiment.distill.losses, student.model, student.model);
  const heads = exits.map((layer, i) => createExitHead(layer, shapes[layer], dataset.classes, experiment.seed + 1 + i));
  const objective = exitObjective(inner, heads);
  const architectures: SchemeResult['live'] = { student: student.model };
  if (baseline) architectures.baseline = baseline.model;
  ctx.emitModels(architectures, objective.terms);

  try {
    await ctx.trainStage('student', 'student', student.model, objective.terms, experiment.train);
  } finally {
    objective.dispose();
  }
  const live: SchemeResult['live'] = { student: student.model };
  if (baseline) {
    await trainBaseline(ctx, baseline.model, experiment.train.epochs);
    live.baseline = baseline.model;
  }
  return { product: 'student', baseline: baseline ? 'baseline' : undefined, live };
}
