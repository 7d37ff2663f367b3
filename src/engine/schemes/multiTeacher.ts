// Multi-teacher distillation: the teachers of `distill.teachers` (teacher-1 … teacher-K, each
// trained on labels unless loaded or reused from a cell) teach one student through the weighted
// mean of their logits (see teacherEnsemble.ts). Feature terms are refused: the teachers share
// only their output space. For agreement and KL the student is compared with the teacher of
// largest weight (ties: best validation accuracy).
import type { RunContext, TrainedModel } from '../run/context';
import type { ResolvedModel } from '../run/resolveModel';
import type { SchemeResult } from './types';
import type { TeacherSource } from '../train/teacherOutputs';
import { teacherStage } from '../sweep/teacherKeys';
import { ensembleTeacher, teacherWeights } from './teacherEnsemble';
import { distillStages, rejectTeacherLayers, trainBaseline, trainStaged, warnIgnored } from './stages';

export { teacherStage };

/** The teacher that weighs most (ties: the best on validation, then the first listed). */
export function leadingTeacher(teachers: TrainedModel[], weights: number[]): TrainedModel {
  let best = 0;
  const val = (i: number) => teachers[i].metrics.best.val ?? -Infinity;
  for (let i = 1; i < teachers.length; i++) {
    if (weights[i] > weights[best] || (weights[i] === weights[best] && val(i) > val(best))) best = i;
  }
  return teachers[best];
}

export async function multiTeacher(ctx: RunContext): Promise<SchemeResult> {
  const { experiment, dataset } = ctx;
  const { distill } = experiment;
  const specs = distill.teachers ?? [];
  if (specs.length === 0)
    throw new Error('distill.scheme "multiTeacher" needs distill.teachers: the models whose outputs are combined');
  if (experiment.teacher) warnIgnored(ctx, 'teacher', 'multiTeacher (it uses distill.teachers)');
  const weighting = distill.teacherWeighting ?? 'mean';
  // Check the weighting before any teacher trains.
  if (weighting === 'weights') teacherWeights(weighting, specs.length, distill.teacherWeights, []);
  if (weighting === 'accuracy' && dataset.validation.count === 0)
    throw new Error('teacherWeighting "accuracy" needs a validation split (data.validationSplit > 0)');

  const resolved: ResolvedModel[] = [];
  for (const [i, spec] of specs.entries()) resolved.push(await ctx.resolve(spec, teacherStage(i + 1)));
  const student = await ctx.resolve(experiment.student, 'student');
  const baseline = experiment.baseline ? await ctx.resolve(experiment.student, 'baseline') : undefined;
  const stages = distillStages(ctx);
  const stageTerms = stages.map((s) => ctx.terms(s.losses, student.model, resolved[0].model));
  rejectTeacherLayers(stageTerms.flat(), 'multiTeacher', 'the teachers are combined through their logits');
  const architectures: SchemeResult['live'] = {};
  resolved.forEach((r, i) => (architectures[teacherStage(i + 1)] = r.model));
  architectures.student = student.model;
  if (baseline) architectures.baseline = baseline.model;
  ctx.emitModels(architectures, stageTerms.flat());

  const teachers: TrainedModel[] = [];
  for (const [i, r] of resolved.entries()) teachers.push(await ctx.teacher(r, specs[i], teacherStage(i + 1)));
  const weights = teacherWeights(
    weighting,
    teachers.length,
    distill.teacherWeights,
    teachers.map((t) => t.metrics.best.val),
  );
  ctx.log(
    'info',
    `multiTeacher: ${weighting} weighting: ${teachers.map((t, i) => `${t.stage} ${weights[i].toFixed(3)}`).join(', ')}`,
  );

  const trained = await trainStaged(ctx, {
    base: 'student',
    role: 'student',
    model: student.model,
    stages,
    terms: stageTerms,
    budget: experiment.train,
    teacher: async (terms) => {
      const sources: TeacherSource[] = [];
      for (const t of teachers) sources.push(await ctx.teacherSource(t.model, terms));
      return ensembleTeacher(sources, weights);
    },
  });
  const lead = leadingTeacher(teachers, weights);
  // Every teacher stays live: the student is measured against the ensemble it learned from.
  const live: SchemeResult['live'] = { [trained.stage]: student.model };
  for (const t of teachers) live[t.stage] = t.model;
  if (baseline) {
    await trainBaseline(
      ctx,
      baseline.model,
      stages.reduce((sum, s) => sum + s.epochs, 0),
    );
    live.baseline = baseline.model;
  }
  const reference = {
    stages: teachers.map((t) => t.stage),
    weights,
    label: `ensemble of ${teachers.map((t, i) => `${t.stage} (${weights[i].toFixed(2)})`).join(', ')}`,
  };
  return { product: trained.stage, teacher: lead.stage, reference, baseline: baseline ? 'baseline' : undefined, live };
}
