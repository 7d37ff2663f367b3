// Born-again networks (Furlanello et al. 2018): generation 0 is the student architecture trained
// on labels; each next generation is a fresh network of the same architecture, started from its
// own random initialisation (seed + k), distilled from the generation before it. The product is
// the last generation, its teacher the one before. Generation 0 trains with the same seed, data
// order and total epochs as a baseline would, so it serves as the baseline.
import type { LossTerm } from '../losses/types';
import type { RunContext, TrainedModel } from '../run/context';
import type { ResolvedModel } from '../run/resolveModel';
import type { SchemeResult } from './types';
import { distillStages, resolveSeeded, trainStaged, warnIgnored } from './stages';

export const DEFAULT_GENERATIONS = 2;

export function generationStage(k: number): string {
  return `generation-${k}`;
}

export async function bornAgain(ctx: RunContext): Promise<SchemeResult> {
  const { experiment } = ctx;
  const generations = experiment.distill.generations ?? DEFAULT_GENERATIONS;
  if (!Number.isInteger(generations) || generations < 1)
    throw new Error(`distill.generations must be a whole number of at least 1, got ${generations}`);
  if (experiment.teacher)
    warnIgnored(ctx, 'teacher', 'self (bornAgain: generation 0 is the student trained on labels)');
  if (experiment.baseline)
    ctx.log(
      'info',
      'self (bornAgain): generation-0 is the student trained alone with the same seed and budget; it serves as the baseline',
    );

  const stages = distillStages(ctx);
  const totalEpochs = stages.reduce((sum, s) => sum + s.epochs, 0);
  const models: ResolvedModel[] = [];
  for (let k = 0; k <= generations; k++)
    models.push(await resolveSeeded(ctx, experiment.student, generationStage(k), experiment.seed + k));
  // Generation k (k ≥ 1) learns from generation k − 1.
  const terms: LossTerm[][][] = models
    .slice(1)
    .map((m, i) => stages.map((s) => ctx.terms(s.losses, m.model, models[i].model)));
  const architectures: SchemeResult['live'] = {};
  models.forEach((m, k) => (architectures[generationStage(k)] = m.model));
  // Every generation shares one architecture, so the first generation's terms show the links.
  ctx.emitModels(architectures, terms[0].flat());

  const trained: TrainedModel[] = [];
  try {
    const ce = ctx.terms([{ type: 'ce', weight: 1 }], models[0].model);
    try {
      trained.push(
        await ctx.trainStage(generationStage(0), 'generation', models[0].model, ce, {
          ...experiment.train,
          epochs: totalEpochs,
        }),
      );
    } finally {
      ce.forEach((t) => t.dispose());
    }
    for (let k = 1; k <= generations; k++) {
      const teacher = trained[k - 1];
      trained.push(
        await trainStaged(ctx, {
          base: generationStage(k),
          role: 'generation',
          model: models[k].model,
          stages,
          terms: terms[k - 1],
          budget: experiment.train,
          teacher: (stageTerms) => ctx.teacherSource(teacher.model, stageTerms),
        }),
      );
    }
  } catch (error) {
    // Terms of generations that never started still hold their adapters.
    terms
      .slice(trained.length)
      .flat(2)
      .forEach((t) => t.dispose());
    throw error;
  }

  const product = trained[generations];
  const teacher = trained[generations - 1];
  const live: SchemeResult['live'] = { [product.stage]: product.model, [teacher.stage]: teacher.model };
  models.forEach((m) => {
    if (m.model !== product.model && m.model !== teacher.model) m.model.dispose();
  });
  return { product: product.stage, teacher: teacher.stage, baseline: trained[0].stage, live };
}
