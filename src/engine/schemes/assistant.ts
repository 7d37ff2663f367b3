// Teacher-assistant distillation (Mirzadeh et al. 2020): the gap between a large teacher and a
// small student is bridged by intermediate models. The chain teacher → assistant-1 → … → student
// is distilled one hop at a time with `distill.losses` (or the `distill.stages` schedule, run on
// every hop); layer-reading terms therefore name layers that every model of the chain has. An
// assistant that is loaded or reused from a cell is taken as trained. The product is the student;
// agreement and KL compare it with the last assistant, its direct teacher.
import type { LossTerm } from '../losses/types';
import type { RunContext, TrainedModel } from '../run/context';
import type { ResolvedModel } from '../run/resolveModel';
import type { SchemeResult } from './types';
import { distillStages, trainBaseline, trainStaged } from './stages';

export function assistantStage(k: number): string {
  return `assistant-${k}`;
}

export async function assistant(ctx: RunContext): Promise<SchemeResult> {
  const { experiment } = ctx;
  if (!experiment.teacher)
    throw new Error('distill.scheme "assistant" needs a teacher: the chain starts at the teacher');
  const specs = experiment.distill.assistants ?? [];
  if (specs.length === 0)
    ctx.log(
      'warn',
      'distill.assistants is empty: the student learns from the teacher directly, as in offline distillation',
    );

  const teacherResolved = await ctx.resolve(experiment.teacher, 'teacher');
  const assistants: ResolvedModel[] = [];
  for (const [i, spec] of specs.entries()) assistants.push(await ctx.resolve(spec, assistantStage(i + 1)));
  const student = await ctx.resolve(experiment.student, 'student');
  const baseline = experiment.baseline ? await ctx.resolve(experiment.student, 'baseline') : undefined;
  const stages = distillStages(ctx);

  // Terms of each hop that trains: hop h teaches chain[h] from chain[h − 1].
  const chain = [teacherResolved, ...assistants, student];
  const hopTerms: (LossTerm[][] | undefined)[] = chain
    .slice(1)
    .map((m, i) =>
      m.pretrained && m !== student ? undefined : stages.map((s) => ctx.terms(s.losses, m.model, chain[i].model)),
    );
  const architectures: SchemeResult['live'] = { teacher: teacherResolved.model };
  assistants.forEach((a, i) => (architectures[assistantStage(i + 1)] = a.model));
  architectures.student = student.model;
  if (baseline) architectures.baseline = baseline.model;
  ctx.emitModels(
    architectures,
    hopTerms.flatMap((t) => (t ?? []).flat()),
  );

  let previous: TrainedModel | undefined;
  const trained: TrainedModel[] = [];
  try {
    previous = await ctx.teacher(teacherResolved, experiment.teacher);
    trained.push(previous);
    for (const [i, a] of assistants.entries()) {
      const stage = assistantStage(i + 1);
      const terms = hopTerms[i];
      const teacher: TrainedModel = previous;
      previous = terms
        ? await trainStaged(ctx, {
            base: stage,
            role: 'assistant',
            model: a.model,
            stages,
            terms,
            budget: ctx.budgetFor(specs[i]),
            teacher: (t) => ctx.teacherSource(teacher.model, t),
          })
        : measureLoaded(ctx, stage, a);
      trained.push(previous);
    }
    const teacher: TrainedModel = previous;
    previous = await trainStaged(ctx, {
      base: 'student',
      role: 'student',
      model: student.model,
      stages,
      terms: hopTerms[hopTerms.length - 1] ?? [],
      budget: experiment.train,
      teacher: (t) => ctx.teacherSource(teacher.model, t),
    });
    trained.push(previous);
  } catch (error) {
    // Hops that never started still hold their terms' adapters.
    hopTerms.slice(trained.length).forEach((t) => (t ?? []).flat().forEach((term) => term.dispose()));
    throw error;
  }

  const product = trained[trained.length - 1];
  const direct = trained[trained.length - 2];
  const original = trained[0];
  // The original teacher stays live: compression, speed-up, agreement and KL are against it.
  const live: SchemeResult['live'] = {
    [product.stage]: product.model,
    [direct.stage]: direct.model,
    [original.stage]: original.model,
  };
  for (const m of trained.slice(1, -2)) m.model.dispose();
  if (baseline) {
    await trainBaseline(
      ctx,
      baseline.model,
      stages.reduce((sum, s) => sum + s.epochs, 0),
    );
    live.baseline = baseline.model;
  }
  const reference = {
    stages: [original.stage],
    weights: [1],
    label: `${original.stage} (the original, before the assistants)`,
  };
  return {
    product: product.stage,
    teacher: direct.stage,
    reference,
    baseline: baseline ? 'baseline' : undefined,
    live,
  };
}

function measureLoaded(ctx: RunContext, stage: string, resolved: ResolvedModel): TrainedModel {
  ctx.log('info', `${stage}: using trained weights from ${resolved.origin}`);
  return ctx.measurePretrained(stage, 'assistant', resolved.model);
}
