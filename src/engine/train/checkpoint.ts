// A stage's checkpoint folder: last/ (weights after the latest finished epoch, or at a stop),
// best/ (weights of the best-validation epoch, the exported model), state.json (progress and
// history) and the optimizer's and adapters' variables, so a resumed stage continues exactly.
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { AccuracyAt, ModelMetrics } from '../../protocol/events';
import { loadModel, saveModel } from '../models';
import { writeFileAtomic, writeJsonAtomic } from '../store/atomic';

export interface EpochRecord extends AccuracyAt {
  trainLoss: number;
  trainAcc: number;
}

export interface StageState {
  /** Last epoch whose updates are in last/ (0 before any). */
  epoch: number;
  /** True when the stop came in the middle of `epoch + 1`: last/ holds its partial updates. */
  partial: boolean;
  history: EpochRecord[];
  bestEpoch: number;
  bestVal: number;
  complete: boolean;
  metrics?: ModelMetrics;
  /** Encoded optimizer and adapter variables, in order (positions matter, names do not). */
  optimizer?: tf.io.WeightsManifestEntry[];
  adapters?: tf.io.WeightsManifestEntry[];
}

const STATE = 'state.json';

interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export function readStageState(dir: string): StageState | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, STATE), 'utf8')) as StageState;
  } catch {
    return undefined;
  }
}

async function encodeTo(file: string, tensors: NamedTensor[]): Promise<tf.io.WeightsManifestEntry[]> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  writeFileAtomic(file, new Uint8Array(data));
  return specs;
}

function decodeFrom(file: string, specs: tf.io.WeightsManifestEntry[]): NamedTensor[] {
  const buffer = fs.readFileSync(file);
  const map = tf.io.decodeWeights(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength), specs);
  return specs.map((spec) => ({ name: spec.name, tensor: map[spec.name] }));
}

export async function saveCheckpoint(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  adapters: tf.Variable[],
  state: Omit<StageState, 'optimizer' | 'adapters'>,
): Promise<void> {
  await saveModel(model, path.join(dir, 'last'));
  const optimizerWeights = await optimizer.getWeights();
  // Names are positional placeholders: TF.js variable names differ between processes.
  const optimizerSpecs = await encodeTo(
    path.join(dir, 'optimizer.bin'),
    optimizerWeights.map((w, i) => ({ name: `o${i}`, tensor: w.tensor })),
  );
  // getWeights() makes a fresh scalar for the iteration count; the slots are the optimizer's own variables.
  tf.dispose(optimizerWeights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  // getWeights() makes a fresh scalar for the iteration count; the other entries are live slots.
  optimizerWeights.filter((w) => w.name === 'iter').forEach((w) => w.tensor.dispose());
  const adapterSpecs = await encodeTo(
    path.join(dir, 'adapters.bin'),
    adapters.map((v, i) => ({ name: `a${i}`, tensor: v })),
  );
  writeJsonAtomic(path.join(dir, STATE), { ...state, optimizer: optimizerSpecs, adapters: adapterSpecs });
}

export async function saveBest(dir: string, model: tf.LayersModel): Promise<void> {
  await saveModel(model, path.join(dir, 'best'));
}

export function markComplete(dir: string, state: StageState): void {
  writeJsonAtomic(path.join(dir, STATE), state);
}

/** Restores model weights, optimizer state and adapters from a checkpoint into live objects. */
export async function restoreCheckpoint(
  dir: string,
  state: StageState,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  adapters: tf.Variable[],
): Promise<void> {
  await copyWeightsFrom(path.join(dir, 'last', 'model.json'), model);
  if (state.optimizer && state.optimizer.length > 0) {
    const weights = decodeFrom(path.join(dir, 'optimizer.bin'), state.optimizer);
    // The first entry is the iteration count; setWeights recreates the slots in order as variables.
    await optimizer.setWeights(weights);
    tf.dispose(weights.map((w) => w.tensor));
  }
  if (state.adapters && state.adapters.length > 0) {
    const values = decodeFrom(path.join(dir, 'adapters.bin'), state.adapters);
    values.forEach((v, i) => {
      adapters[i].assign(v.tensor);
      v.tensor.dispose();
    });
  }
}

/** Loads a saved model's weights into a live model of the same architecture. */
export async function copyWeightsFrom(modelJson: string, model: tf.LayersModel): Promise<void> {
  const saved = await loadModel(modelJson);
  model.setWeights(saved.getWeights());
  saved.dispose();
}
