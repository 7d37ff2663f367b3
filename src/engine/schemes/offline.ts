// Offline distillation: a frozen, trained teacher (loaded, reused from a cell, or trained on labels
// first) teaches a student; optionally in several stages (e.g. hints first, then KD), and with a
// baseline: the same student trained alone with the same seed, data order and budget.
import type { DistillStage } from '../config/types';
import type { LossTerm } from '../losses/types';
import type { RunContext, TrainedModel } from '../run/context';
import type { SchemeResult } from './types';
import { distillStages, trainBaseline, trainStaged } from './stages';
import { initFromTeacher, initMapping, initPairsOf } from '../models/initFromTeacher';

/** The student's stages: the multi-stage schedule when given, else one stage with `distill.losses`. */
export function studentStages(ctx: RunContext): DistillStage[] {
  return distillStages(ctx);
}

export async function offline(ctx: RunContext): Promise<SchemeResult> {
  const { experiment } = ctx;
  const teacherResolved = experiment.teacher ? await ctx.resolve(experiment.teacher, 'teacher') : undefined;
  const student = await ctx.resolve(experiment.student, 'student');
  const baseline = experiment.baseline ? await ctx.resolve(experiment.student, 'baseline') : undefined;

  const stages = studentStages(ctx);
  const stageTerms: LossTerm[][] = stages.map((s) => ctx.terms(s.losses, student.model, teacherResolved?.model));
  const live: SchemeResult['live'] = { student: student.model };
  const architectures: SchemeResult['live'] = {
    ...(teacherResolved ? { teacher: teacherResolved.model } : {}),
    student: student.model,
  };
  if (baseline) architectures.baseline = baseline.model;
  const mapping = initMapping(experiment.student);
  if (mapping && !teacherResolved)
    throw new Error('student initFromTeacher: the experiment has no teacher to initialise the student from');
  const init = mapping && teacherResolved ? initPairsOf(student.model, teacherResolved.model, mapping) : [];
  ctx.emitModels(architectures, stageTerms.flat(), init);

  let teacher: TrainedModel | undefined;
  if (teacherResolved && experiment.teacher) {
    teacher = await ctx.teacher(teacherResolved, experiment.teacher);
    live.teacher = teacher.model;
  }
  if (mapping && teacher) {
    initFromTeacher(student.model, teacher.model, mapping);
    ctx.log(
      'info',
      `student initialised from the teacher: ${init.map((p) => `${p.studentLayer}←${p.teacherLayer}`).join(', ')}`,
    );
  }

  // Student stages run in order; the epoch count continues across them.
  const trained = await trainStaged(ctx, {
    base: 'student',
    role: 'student',
    model: student.model,
    stages,
    terms: stageTerms,
    budget: experiment.train,
    teacher: teacher ? (terms) => ctx.teacherSource((teacher as TrainedModel).model, terms) : undefined,
  });
  const product = trained.stage;
  live[product] = student.model;

  if (baseline) {
    await trainBaseline(
      ctx,
      baseline.model,
      stages.reduce((sum, s) => sum + s.epochs, 0),
    );
    live.baseline = baseline.model;
  }
  return { product, teacher: teacher?.stage, baseline: baseline ? 'baseline' : undefined, live };
}
