// Online distillation by deep mutual learning (Zhang et al. 2018): no frozen teacher; the student
// (peer-1) and the models of `distill.peers` (peer-2, …) train together on the same batches and
// teach each other. The product is peer-1; for agreement and KL it is compared with the best of
// the other peers (on validation).
import type * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../config/types';
import type { TrainedModel } from '../run/context';
import type { ResolvedModel } from '../run/resolveModel';
import { RunStopped, type RunContext } from '../run/context';
import { readStageState } from '../train/checkpoint';
import { trainPeers } from '../train/peers';
import type { SchemeResult } from './types';
import { rejectStages, rejectTeacherLayers, resolveSeeded, trainBaseline, warnIgnored } from './stages';

/** Stage name of the k-th peer (1-based; peer-1 is the student). */
export function peerStage(k: number): string {
  return `peer-${k}`;
}

/** The best peer on validation (the first listed wins ties; test accuracy only when there is no validation split). */
export function bestPeer(peers: TrainedModel[]): TrainedModel {
  const score = (p: TrainedModel) => p.metrics.best.val ?? p.metrics.best.test;
  return peers.reduce((best, p) => (score(p) > score(best) ? p : best));
}

export async function online(ctx: RunContext): Promise<SchemeResult> {
  const { experiment } = ctx;
  rejectStages(ctx, 'online', 'the peers train jointly in one schedule');
  const specs: ModelSpec[] = [experiment.student, ...(experiment.distill.peers ?? [])];
  if (specs.length < 2)
    throw new Error('distill.scheme "online" needs at least one model in distill.peers (the student is peer 1)');
  if (experiment.teacher) warnIgnored(ctx, 'teacher', 'online');

  // Peer 1 keeps the experiment's seed (so it matches the baseline); the others get their own,
  // or identical peers would receive identical gradients and never differ.
  const resolved: ResolvedModel[] = [];
  for (const [i, spec] of specs.entries())
    resolved.push(await resolveSeeded(ctx, spec, peerStage(i + 1), experiment.seed + i));
  const baseline = experiment.baseline ? await ctx.resolve(experiment.student, 'baseline') : undefined;
  // Each peer's terms are built against the next peer's shapes, so a layer-reading term is refused below with the reason.
  const terms = resolved.map((r, i) =>
    ctx.terms(experiment.distill.losses, r.model, resolved[(i + 1) % resolved.length].model),
  );
  rejectTeacherLayers(terms.flat(), 'online', 'the peers teach each other through their logits');

  const architectures: SchemeResult['live'] = {};
  resolved.forEach((r, i) => (architectures[peerStage(i + 1)] = r.model));
  if (baseline) architectures.baseline = baseline.model;
  ctx.emitModels(architectures, terms.flat());

  const trained: TrainedModel[] = [];
  try {
    const reused = await reuseAll(
      ctx,
      resolved.map((r, i) => ({ stage: peerStage(i + 1), model: r.model })),
    );
    if (reused) {
      trained.push(...reused);
    } else {
      const outcome = await trainPeers({
        peers: resolved.map((r, i) => ({
          stage: peerStage(i + 1),
          role: 'peer',
          model: r.model,
          terms: terms[i],
          optimizer: ctx.budgetFor(specs[i]).optimizer,
          checkpointDir: ctx.checkpointDir(peerStage(i + 1)),
        })),
        dataset: ctx.dataset,
        train: experiment.train,
        seed: experiment.seed,
        emit: (e) => ctx.emit(e),
        shouldStop: ctx.shouldStop,
      });
      if (outcome.stopped) throw new RunStopped();
      for (const [i, r] of resolved.entries())
        trained.push(await ctx.completeStage(peerStage(i + 1), 'peer', r.model, outcome.outcomes[i]));
    }
  } finally {
    terms.flat().forEach((t) => t.dispose());
  }

  const live: SchemeResult['live'] = {};
  const teacher = bestPeer(trained.slice(1));
  live[trained[0].stage] = trained[0].model;
  live[teacher.stage] = teacher.model;
  for (const peer of trained.slice(1)) if (peer !== teacher) peer.model.dispose();
  if (baseline) {
    await trainBaseline(ctx, baseline.model, experiment.train.epochs);
    live.baseline = baseline.model;
  }
  return { product: trained[0].stage, teacher: teacher.stage, baseline: baseline ? 'baseline' : undefined, live };
}

/** When every peer already completed (a resumed run), reports them all again; otherwise trains them together. */
async function reuseAll(
  ctx: RunContext,
  peers: { stage: string; model: tf.LayersModel }[],
): Promise<TrainedModel[] | undefined> {
  const done = peers.every((p) => {
    const state = readStageState(ctx.checkpointDir(p.stage));
    return Boolean(state?.complete && state.metrics);
  });
  if (!done) return undefined;
  const reused: TrainedModel[] = [];
  for (const p of peers) reused.push((await ctx.reuseCompleted(p.stage, p.model)) as TrainedModel);
  return reused;
}
