// Deep mutual learning (Zhang et al. 2018): several peers trained together on the same batches,
// each with its own optimizer, each taught by the others. Every step runs one forward pass per
// peer; peer k minimises its terms where a term that needs a teacher is averaged over the other
// peers, each taken as a constant (Eq. 10 of the paper: L_k = L_C + 1/(K−1) Σ_{l≠k} KL(p_l ‖ p_k)).
// Because each peer's loss reaches only its own weights, one gradient of the sum of the peers'
// losses gives every peer its own gradient, and the peers update simultaneously from the same
// forward pass (as KD-Lib and torchdistill do).
import * as tf from '@tensorflow/tfjs';
import type { RunEvent, StageRole } from '../../protocol/events';
import type { OptimizerConfig, TrainConfig } from '../config/types';
import type { Batch, Dataset } from '../data/types';
import { trainingBatches } from '../data/trainingBatches';
import { setRandomStep } from '../models/seededDropout';
import { comparePositions, positionOf, readStageState } from './checkpoint';
import type { LossInputs, LossTerm } from '../losses/types';
import { tapModel } from '../models';
import { detach } from './detach';
import { createOptimizer, learningRateAt, setLearningRate, weightDecayPenalty } from './optimizer';
import { batchTensors, StageProgress, stepsPerEpochOf, type StageOutcome, type StepResult } from './progress';
import { modelVariables } from './stage';
import { splitOutputs } from './teacherOutputs';

export interface PeerOptions {
  stage: string;
  role: StageRole;
  /** The logits model of this peer. */
  model: tf.LayersModel;
  /** Its terms; those that need a teacher read the other peers' logits. Terms may not read teacher layers. */
  terms: LossTerm[];
  optimizer: OptimizerConfig;
  checkpointDir: string;
}

export interface PeersOptions {
  peers: PeerOptions[];
  dataset: Dataset;
  /** Epochs, batch size, schedule and step cap, shared by all peers (each peer has its own optimizer). */
  train: TrainConfig;
  seed: number;
  emit: (event: RunEvent) => void;
  shouldStop: () => boolean;
}

export interface PeersOutcome {
  stopped: boolean;
  /** One outcome per peer, in the order given. */
  outcomes: StageOutcome[];
}

/** A peer ready to step: its tapped model, variables and optimizer. */
export interface LivePeer {
  tapped: tf.LayersModel;
  studentLayers: string[];
  terms: LossTerm[];
  variables: tf.Variable[];
  optimizer: tf.Optimizer;
  weightDecay: number;
}

function livePeer(peer: PeerOptions): LivePeer & { adapters: tf.Variable[] } {
  const reading = peer.terms.filter((t) => t.teacherLayers.length > 0).map((t) => t.name);
  if (reading.length > 0) {
    throw new Error(
      `stage "${peer.stage}": terms ${reading.join(', ')} read teacher layers; peers teach each other through their logits only`,
    );
  }
  const studentLayers = [...new Set(peer.terms.flatMap((t) => t.studentLayers))];
  const adapters = peer.terms.flatMap((t) => t.trainableVariables());
  return {
    tapped: studentLayers.length > 0 ? tapModel(peer.model, studentLayers) : peer.model,
    studentLayers,
    terms: peer.terms,
    variables: [...modelVariables(peer.model), ...adapters],
    adapters,
    optimizer: createOptimizer(peer.optimizer),
    weightDecay: peer.optimizer.weightDecay,
  };
}

export async function trainPeers(options: PeersOptions): Promise<PeersOutcome> {
  const { peers, dataset, train } = options;
  if (peers.length < 2) throw new Error(`mutual learning needs at least two peers, got ${peers.length}`);
  const stepsPerEpoch = stepsPerEpochOf(dataset, train);
  const live = peers.map(livePeer);
  // Peers checkpoint one after another; a kill between two saves leaves them one checkpoint
  // apart, so all resume from the earliest position (the one ahead falls back to its previous unit).
  const saved = peers.map((peer) => readStageState(peer.checkpointDir));
  const atMost = saved
    .map((s) => (s ? positionOf(s) : { epoch: 0, step: 0 }))
    .reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
  const progress: StageProgress[] = [];
  for (const [i, peer] of peers.entries()) {
    progress.push(
      await StageProgress.open({
        stage: peer.stage,
        role: peer.role,
        model: peer.model,
        optimizer: live[i].optimizer,
        adapters: live[i].adapters,
        dataset,
        train,
        checkpointDir: peer.checkpointDir,
        emit: options.emit,
        epochOffset: 0,
        atMost,
      }),
    );
  }
  const positions = progress.map((p) => p.position);
  if (positions.some((p) => comparePositions(p, positions[0]) !== 0)) {
    throw new Error(
      `the peers' checkpoints are at different positions (${positions.map((p) => `epoch ${p.epoch} + ${p.step} steps`).join(', ')}) and no common one is left; start a new run`,
    );
  }
  const startEpoch = progress[0].nextEpoch;
  progress.forEach((p, i) =>
    p.emitStart(
      peers[i].terms.map((t) => t.name),
      stepsPerEpoch,
      startEpoch,
    ),
  );

  let globalStep = (startEpoch - 1) * stepsPerEpoch + progress[0].stepsDone(startEpoch);
  let stopped = false;
  for (let epoch = startEpoch; epoch <= train.epochs && !stopped; epoch++) {
    const rates = peers.map((peer, i) => {
      const lr = learningRateAt(train.schedule, peer.optimizer.lr, epoch - 1, train.epochs);
      setLearningRate(live[i].optimizer, lr);
      return lr;
    });
    progress.forEach((p) => p.beginEpoch(epoch));
    let step = progress[0].stepsDone(epoch);
    for (const batch of trainingBatches(dataset, train.batchSize, options.seed, epoch, step)) {
      if (step >= stepsPerEpoch) break;
      step++;
      globalStep++;
      setRandomStep(globalStep);
      const results = peersStep(live, batch, dataset, epoch);
      results.forEach((result, i) =>
        progress[i].recordStep(epoch, step, stepsPerEpoch, globalStep, result, batch.size, rates[i]),
      );
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.shouldStop()) {
        stopped = true;
        break;
      }
    }
    if (stopped) {
      for (const p of progress) await p.saveStopped(epoch, step);
      break;
    }
    for (const [i, p] of progress.entries()) await p.endEpoch(epoch, rates[i]);
  }

  // Tapped views own no weights (disposing one would dispose the peer's layers): only the optimizers go.
  live.forEach((peer) => peer.optimizer.dispose());
  const outcomes: StageOutcome[] = [];
  for (const p of progress) outcomes.push(await p.finish(stopped));
  return { stopped, outcomes };
}

/**
 * One simultaneous step of all peers on one batch. A term that needs a teacher is computed
 * against each other peer's detached logits and averaged; the rest see the labels only.
 * Returns each peer's weighted term values, total and correct count (one device read).
 */
export function peersStep(peers: LivePeer[], batch: Batch, dataset: Dataset, epoch: number): StepResult[] {
  const { xs, labelIndices, labels } = batchTensors(batch, dataset);
  const kept: tf.Tensor[] = [];
  const variables = peers.flatMap((p) => p.variables);
  const { value, grads } = tf.variableGrads(() => {
    const outs = peers.map((p) =>
      splitOutputs(p.tapped.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[], p.studentLayers),
    );
    const constants = outs.map((o) => detach(o.logits));
    const totals = peers.map((peer, i) => {
      const others = constants.filter((_, j) => j !== i);
      const base: LossInputs = {
        studentLogits: outs[i].logits,
        labels,
        studentFeatures: outs[i].features,
        teacherFeatures: {},
        epoch,
        modelInputs: xs,
      };
      const weighted = peer.terms.map((term) => {
        const value = term.needsTeacher
          ? tf.div(tf.addN(others.map((teacherLogits) => term.compute({ ...base, teacherLogits }))), others.length)
          : term.compute(base);
        return tf.mul(term.weight, value) as tf.Scalar;
      });
      const penalty = weightDecayPenalty(peer.variables, peer.weightDecay);
      const parts = penalty ? [...weighted, penalty] : weighted;
      const total = parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Scalar);
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(outs[i].logits, 1), labelIndices), 'float32'));
      // Per peer: total, hits, then its weighted terms.
      kept.push(tf.keep(tf.stack([total, hits, ...weighted])));
      return total;
    });
    return (totals.length === 1 ? totals[0] : tf.addN(totals)) as tf.Scalar;
  }, variables);
  for (const peer of peers) {
    const own: tf.NamedTensorMap = {};
    for (const v of peer.variables) if (grads[v.name]) own[v.name] = grads[v.name];
    peer.optimizer.applyGradients(own);
  }
  const readback = tf.tidy(() => tf.concat(kept).dataSync());
  tf.dispose([xs, labelIndices, labels, value, ...kept, ...Object.values(grads)]);
  const results: StepResult[] = [];
  let at = 0;
  for (const peer of peers) {
    const losses: Record<string, number> = {};
    peer.terms.forEach((term, k) => (losses[term.name] = readback[at + 2 + k]));
    results.push({ total: readback[at], correct: readback[at + 1], losses });
    at += 2 + peer.terms.length;
  }
  return results;
}
