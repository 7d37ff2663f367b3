// Offline distillation: a frozen, trained teacher (loaded, reused from a cell, or trained on labels
// first) teaches a student; optionally in several stages (e.g. hints first, then KD), and with a
// baseline: the same student trained alone with the same seed, data order and budget.
import type { DistillStage } from '../config/types';
import type { LossTerm } from '../losses/types';
import type { RunContext, TrainedModel } from '../run/context';
import type { SchemeResult } from './types';

/** The student's stages: the multi-stage schedule when given, else one stage with `distill.losses`. */
export function studentStages(ctx: RunContext): DistillStage[] {
  const { distill, train } = ctx.experiment;
  if (distill.stages && distill.stages.length > 0) return distill.stages;
  return [{ name: 'student', losses: distill.losses, epochs: train.epochs }];
}

export async function offline(ctx: RunContext): Promise<SchemeResult> {
  const { experiment } = ctx;
  const teacherResolved = experiment.teacher ? await ctx.resolve(experiment.teacher, 'teacher') : undefined;
  const student = await ctx.resolve(experiment.student, 'student');
  const baseline = experiment.baseline ? await ctx.resolve(experiment.student, 'baseline') : undefined;

  const stages = studentStages(ctx);
  const stageTerms: LossTerm[][] = stages.map((s) => ctx.terms(s.losses, student.model, teacherResolved?.model));
  const live: SchemeResult['live'] = { student: student.model };
  const architectures: SchemeResult['live'] = { ...(teacherResolved ? { teacher: teacherResolved.model } : {}), student: student.model };
  if (baseline) architectures.baseline = baseline.model;
  ctx.emitModels(architectures, stageTerms.flat());

  let teacher: TrainedModel | undefined;
  if (teacherResolved && experiment.teacher) {
    teacher = await ctx.teacher(teacherResolved, experiment.teacher);
    live.teacher = teacher.model;
  }

  // Student stages run in order; the epoch count continues across them.
  let offset = 0;
  let product = 'student';
  for (let i = 0; i < stages.length; i++) {
    const name = stages.length === 1 ? 'student' : `student.${stages[i].name}`;
    const terms = stageTerms[i];
    const source = teacher && terms.some((t) => t.needsTeacher) ? ctx.teacherSource(teacher.model, terms) : undefined;
    try {
      await ctx.trainStage(name, 'student', student.model, terms, { ...experiment.train, epochs: stages[i].epochs }, source, offset);
    } finally {
      source?.dispose();
      terms.forEach((t) => t.dispose());
    }
    offset += stages[i].epochs;
    product = name;
  }
  live[product] = student.model;

  if (baseline) {
    const ce = ctx.terms([{ type: 'ce', weight: 1 }], baseline.model);
    const budget = { ...experiment.train, epochs: stages.reduce((sum, s) => sum + s.epochs, 0) };
    await ctx.trainStage('baseline', 'baseline', baseline.model, ce, budget);
    live.baseline = baseline.model;
  }
  return { product, teacher: teacher?.stage, baseline: baseline ? 'baseline' : undefined, live };
}
