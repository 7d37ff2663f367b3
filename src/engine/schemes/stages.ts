// Steps several schemes share: distilling one model through the experiment's stage schedule,
// training the baseline, and refusing combinations a scheme cannot honour.
import type * as tf from '@tensorflow/tfjs';
import type { DistillStage, ModelSpec, Scheme, TrainConfig } from '../config/types';
import type { LossTerm } from '../losses/types';
import type { StageRole } from '../../protocol/events';
import type { RunContext, TrainedModel } from '../run/context';
import { resolveModel, type ResolvedModel } from '../run/resolveModel';
import type { TeacherSource } from '../train/teacherOutputs';

/** The stages of a distilled model: the multi-stage schedule when given, else one stage of `distill.losses` lasting `epochs`. */
export function distillStages(ctx: RunContext, epochs = ctx.experiment.train.epochs): DistillStage[] {
  const { distill } = ctx.experiment;
  if (distill.stages && distill.stages.length > 0) return distill.stages;
  return [{ name: 'student', losses: distill.losses, epochs }];
}

/** The stage name of step `i` of a schedule for model `base`: `base` alone, or `base.<stage>` when there are several. */
export function stageName(base: string, stages: DistillStage[], i: number): string {
  return stages.length === 1 ? base : `${base}.${stages[i].name}`;
}

export interface StagedTraining {
  /** The model's stage name (stages become `<base>.<stage>` when there are several). */
  base: string;
  role: StageRole;
  model: tf.LayersModel;
  stages: DistillStage[];
  /** The terms of each stage (disposed here once the stage ends). */
  terms: LossTerm[][];
  /** Budget of every stage; each stage's `epochs` replaces its epochs. */
  budget: TrainConfig;
  /** The frozen teacher's outputs for one stage's terms; asked only when a term needs a teacher. */
  teacher?: (terms: LossTerm[]) => TeacherSource | Promise<TeacherSource>;
}

/** Trains a model through its stages in order (epoch numbers continue across them); returns the last stage. */
export async function trainStaged(ctx: RunContext, plan: StagedTraining): Promise<TrainedModel> {
  let offset = 0;
  let trained: TrainedModel | undefined;
  let next = 0;
  try {
    for (; next < plan.stages.length; next++) {
      const terms = plan.terms[next];
      const source = plan.teacher && terms.some((t) => t.needsTeacher) ? await plan.teacher(terms) : undefined;
      try {
        const budget = { ...plan.budget, epochs: plan.stages[next].epochs };
        trained = await ctx.trainStage(
          stageName(plan.base, plan.stages, next),
          plan.role,
          plan.model,
          terms,
          budget,
          source,
          offset,
        );
      } finally {
        source?.dispose();
      }
      offset += plan.stages[next].epochs;
      // Each stage's adapters are dropped as soon as it ends.
      terms.forEach((t) => t.dispose());
    }
  } finally {
    plan.terms
      .slice(next)
      .flat()
      .forEach((t) => t.dispose());
  }
  if (!trained) throw new Error(`"${plan.base}": the stage schedule is empty`);
  return trained;
}

/** The baseline: the product's architecture trained alone on labels with the same seed, data order and total epochs. */
export async function trainBaseline(ctx: RunContext, model: tf.LayersModel, epochs: number): Promise<TrainedModel> {
  const ce = ctx.terms([{ type: 'ce', weight: 1 }], model);
  try {
    return await ctx.trainStage('baseline', 'baseline', model, ce, { ...ctx.experiment.train, epochs });
  } finally {
    ce.forEach((t) => t.dispose());
  }
}

/** A fresh model of `spec` initialised from its own seed (peers and generations must not start identical). */
export function resolveSeeded(ctx: RunContext, spec: ModelSpec, name: string, seed: number): Promise<ResolvedModel> {
  return resolveModel(spec, name, ctx.experiment, ctx.dataset, ctx.runsDir, seed);
}

/** Refuses a multi-stage schedule in a scheme that cannot run one. */
export function rejectStages(ctx: RunContext, scheme: Scheme | string, why: string): void {
  if (ctx.experiment.distill.stages && ctx.experiment.distill.stages.length > 0) {
    throw new Error(`distill.stages is not supported with ${scheme}: ${why}; use distill.losses`);
  }
}

/** Refuses terms that read teacher layers where the teacher signal is logits only. */
export function rejectTeacherLayers(terms: LossTerm[], scheme: string, why: string): void {
  const reading = terms.filter((t) => t.teacherLayers.length > 0).map((t) => t.name);
  if (reading.length > 0) {
    terms.forEach((t) => t.dispose());
    throw new Error(
      `${scheme}: loss terms ${[...new Set(reading)].join(', ')} read teacher layers, but ${why}; use logit terms (ce, kd, dkd, or relation terms without layers)`,
    );
  }
}

/** Notes a setting the scheme does not use, so nobody believes it took effect. */
export function warnIgnored(ctx: RunContext, what: string, scheme: string): void {
  ctx.log('warn', `${what} is ignored by the ${scheme} scheme`);
}
