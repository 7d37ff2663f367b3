import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig, ScheduleConfig } from '../config/types';
import { FusedAdamOptimizer } from '../backend/fusedAdam';
import { FusedMomentumOptimizer } from '../backend/fusedMomentum';

/** Creates the optimizer named by the config. Weight decay is applied as an L2 term in the loss (see weightDecayPenalty). */
export function createOptimizer(config: OptimizerConfig): tf.Optimizer {
  switch (config.type) {
    case 'sgd':
      return tf.train.sgd(config.lr);
    case 'momentum':
      // One-pass update on wasm, tf.js's momentum elsewhere; same state either way.
      return new FusedMomentumOptimizer(config.lr, config.momentum, config.nesterov);
    case 'adam':
      // One-pass update on wasm, tf.js's Adam elsewhere; same state either way.
      return new FusedAdamOptimizer(config.lr, config.beta1, config.beta2, config.epsilon);
  }
}

/** Changes the learning rate of a live optimizer (TF.js has no public setter for Adam). */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  // Not `instanceof`: TF.js optimizers answer instanceof by duck typing, so Adam passes as SGD.
  const settable = optimizer as tf.Optimizer & { setLearningRate?: (lr: number) => void };
  if (typeof settable.setLearningRate === 'function') {
    settable.setLearningRate(lr);
  } else {
    // Adam reads `learningRate` on every applyGradients call.
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
  }
}

/** How many decays a step schedule has applied by a 0-based epoch (milestones are 1-based epoch counts, as in PyTorch's MultiStepLR). */
function decaysBefore(schedule: { stepSize?: number; milestones?: number[] }, epoch: number): number {
  if (schedule.milestones) return schedule.milestones.filter((m) => epoch >= m).length;
  return Math.floor(epoch / (schedule.stepSize ?? Number.POSITIVE_INFINITY));
}

/** Learning rate for a 0-based epoch. */
export function learningRateAt(schedule: ScheduleConfig, baseLr: number, epoch: number, epochs: number): number {
  switch (schedule.type) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * Math.pow(schedule.gamma, decaysBefore(schedule, epoch));
    case 'cosine': {
      const progress = epochs <= 1 ? 0 : epoch / (epochs - 1);
      return schedule.minLr + 0.5 * (baseLr - schedule.minLr) * (1 + Math.cos(Math.PI * progress));
    }
  }
}

/** ½·λ·Σ‖W‖² over kernels (biases and normalisation parameters are not decayed, as is usual). */
export function weightDecayPenalty(variables: tf.Variable[], weightDecay: number): tf.Scalar | undefined {
  if (weightDecay <= 0) return undefined;
  const kernels = variables.filter((v) => /kernel|weight/i.test(v.name) && v.rank >= 2);
  if (kernels.length === 0) return undefined;
  return tf.mul(0.5 * weightDecay, tf.addN(kernels.map((v) => tf.sum(tf.square(v))))) as tf.Scalar;
}
