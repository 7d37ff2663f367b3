// A stage's checkpoint is one unit: last/ (weights at the saved position), best/ (weights of the
// best-validation epoch, the exported model), the optimizer's and adapters' variables, state.json
// (position in the data order, progress, history) and checkpoint.json, a manifest of every file's
// size and hash written last. A new unit is written beside the current one (.next-<stage>) and
// switched in by renames; the one it replaces stays as .prev-<stage>. Opening a stage picks the
// newest unit whose manifest verifies, so a kill or a full disk in the middle of a write leaves
// the previous complete checkpoint in force, never weights of one step with the state of another.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { AccuracyAt, ModelMetrics } from '../../protocol/events';
import { loadModel, saveModel } from '../models';
import { writeFileAtomic, writeJsonAtomic } from '../store/atomic';
import { checkpointFaultPoint } from './checkpointFaults';

export interface EpochRecord extends AccuracyAt {
  trainLoss: number;
  trainAcc: number;
}

/** Running sums of an epoch in progress, so an epoch interrupted and resumed reports what an uninterrupted one does. */
export interface EpochSums {
  lossSum: number;
  correct: number;
  seen: number;
}

export interface StageState {
  /** Last epoch whose updates are all in last/ (0 before any). */
  epoch: number;
  /** Steps of epoch `epoch + 1` whose updates are also in last/ (a stop mid-epoch); 0 at an epoch boundary. */
  step: number;
  /** The sums of those `step` steps. */
  sums?: EpochSums;
  history: EpochRecord[];
  bestEpoch: number;
  bestVal: number;
  complete: boolean;
  metrics?: ModelMetrics;
  /** The total loss of the stage's first step: the divergence guard measures growth against it. */
  firstLoss?: number;
  /** Encoded optimizer and adapter variables, in order (positions matter, names do not). */
  optimizer?: tf.io.WeightsManifestEntry[];
  /** How many of the optimizer entries, at the end, are Adam's running β powers (0 or 2). */
  optimizerPowers?: number;
  adapters?: tf.io.WeightsManifestEntry[];
}

const STATE = 'state.json';
const MANIFEST = 'checkpoint.json';
const LAST = 'last';
const BEST = 'best';
const OPTIMIZER = 'optimizer.bin';
const ADAPTERS = 'adapters.bin';

interface Manifest {
  version: 1;
  /** Increases with every unit written for the stage: the newest verified unit wins. */
  seq: number;
  files: Record<string, { bytes: number; sha256: string }>;
}

interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** Where in the data order a checkpoint's weights are: `step` steps into epoch `epoch + 1`. */
export interface Position {
  epoch: number;
  step: number;
}

export function positionOf(state: StageState): Position {
  return { epoch: state.epoch, step: state.step ?? 0 };
}

export function comparePositions(a: Position, b: Position): number {
  return a.epoch !== b.epoch ? a.epoch - b.epoch : a.step - b.step;
}

/** A verified checkpoint unit of a stage. */
export interface Checkpoint {
  dir: string;
  seq: number;
  state: StageState;
}

function nextDir(stageDir: string): string {
  return path.join(path.dirname(stageDir), `.next-${path.basename(stageDir)}`);
}

function prevDir(stageDir: string): string {
  return path.join(path.dirname(stageDir), `.prev-${path.basename(stageDir)}`);
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function filesBelow(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesBelow(dir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Why a unit is not usable, or undefined when every file its manifest lists is present and intact. */
function verify(dir: string): { problem?: string; seq: number; state?: StageState } {
  if (!fs.existsSync(dir)) return { problem: 'absent', seq: -1 };
  const manifest = readJson<Manifest>(path.join(dir, MANIFEST));
  if (!manifest) {
    // A checkpoint written before units had manifests: trusted as the oldest possible unit.
    const legacy = readJson<StageState>(path.join(dir, STATE));
    return legacy ? { seq: 0, state: { ...legacy, step: legacy.step ?? 0 } } : { problem: 'no manifest', seq: -1 };
  }
  for (const [rel, expected] of Object.entries(manifest.files)) {
    const file = path.join(dir, rel);
    if (!fs.existsSync(file)) return { problem: `${rel} is missing`, seq: manifest.seq };
    if (fs.statSync(file).size !== expected.bytes || sha256(file) !== expected.sha256)
      return { problem: `${rel} does not match its manifest`, seq: manifest.seq };
  }
  const state = readJson<StageState>(path.join(dir, STATE));
  if (!state) return { problem: `${STATE} is unreadable`, seq: manifest.seq };
  return { seq: manifest.seq, state };
}

/**
 * The newest complete checkpoint of a stage, after putting it in place as <stage>/ (an interrupted
 * switch is finished; a torn or corrupt unit is set aside). `onSkip` hears why a unit was passed over.
 */
export function openCheckpoint(
  stageDir: string,
  onSkip?: (message: string) => void,
  atMost?: Position,
): Checkpoint | undefined {
  const candidates = [stageDir, nextDir(stageDir), prevDir(stageDir)]
    .map((dir) => ({ dir, ...verify(dir) }))
    .filter((c) => c.problem !== 'absent');
  for (const c of candidates)
    if (c.problem && c.dir !== nextDir(stageDir))
      onSkip?.(`checkpoint ${path.basename(c.dir)} is incomplete (${c.problem}); using an earlier one`);
  const good = candidates
    .filter((c) => !c.problem && c.state && (!atMost || comparePositions(positionOf(c.state), atMost) <= 0))
    .sort((a, b) => b.seq - a.seq);
  const chosen = good[0];
  // Whatever is neither the chosen unit nor its predecessor is a leftover.
  for (const c of candidates) if (c !== chosen && c !== good[1]) fs.rmSync(c.dir, { recursive: true, force: true });
  if (!chosen) return undefined;
  if (chosen.dir !== stageDir) {
    const previous = good[1];
    if (previous && previous.dir !== prevDir(stageDir)) {
      fs.rmSync(prevDir(stageDir), { recursive: true, force: true });
      fs.renameSync(previous.dir, prevDir(stageDir));
    }
    fs.rmSync(stageDir, { recursive: true, force: true });
    fs.renameSync(chosen.dir, stageDir);
  }
  return { dir: stageDir, seq: chosen.seq, state: chosen.state as StageState };
}

/** The stage's current checkpoint state without repairing anything (for readers). */
export function readStageState(stageDir: string): StageState | undefined {
  const candidates = [stageDir, nextDir(stageDir)]
    .map((dir) => verify(dir))
    .filter((c) => !c.problem && c.state)
    .sort((a, b) => b.seq - a.seq);
  return candidates[0]?.state;
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

/** Hard-links (or copies, where links are refused) a file of the current unit into the unit being written. */
function carry(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

function carryTree(fromDir: string, toDir: string): void {
  if (!fs.existsSync(fromDir)) return;
  for (const rel of filesBelow(fromDir)) carry(path.join(fromDir, rel), path.join(toDir, rel));
}

/** Adam keeps β₁ᵗ and β₂ᵗ as running products; restoring them from the iteration count would change the last bits. */
function adamPowers(optimizer: tf.Optimizer): tf.Variable[] {
  const adam = optimizer as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  return adam.accBeta1 instanceof tf.Variable && adam.accBeta2 instanceof tf.Variable
    ? [adam.accBeta1, adam.accBeta2]
    : [];
}

interface UnitContents {
  model?: tf.LayersModel;
  optimizer?: tf.Optimizer;
  adapters?: tf.Variable[];
  /** Write best/ from the model (an improved epoch); otherwise the current unit's best/ is carried. */
  best?: boolean;
  state: StageState;
}

/** Writes a whole unit into .next-<stage>, verifies nothing is missing, then switches it in. */
async function writeUnit(stageDir: string, contents: UnitContents): Promise<void> {
  try {
    await writeUnitFiles(stageDir, contents);
  } catch (error) {
    // A write that failed (a full disk) leaves a partial unit: remove it so its space is free for the run's end.
    fs.rmSync(nextDir(stageDir), { recursive: true, force: true });
    throw error;
  }
}

async function writeUnitFiles(stageDir: string, contents: UnitContents): Promise<void> {
  const current = fs.existsSync(path.join(stageDir, STATE)) ? stageDir : undefined;
  const seq = (current ? verify(current).seq : 0) + 1;
  const next = nextDir(stageDir);
  fs.rmSync(next, { recursive: true, force: true });
  fs.mkdirSync(next, { recursive: true });
  const fault = checkpointFaultPoint();
  const state: StageState = { ...contents.state };
  if (contents.model) await saveModel(contents.model, path.join(next, LAST));
  else if (current) carryTree(path.join(current, LAST), path.join(next, LAST));
  fault();
  if (contents.best && contents.model) await saveModel(contents.model, path.join(next, BEST));
  else if (current) carryTree(path.join(current, BEST), path.join(next, BEST));
  fault();
  if (contents.optimizer) {
    const weights = await contents.optimizer.getWeights();
    // Names are positional placeholders: TF.js variable names differ between processes.
    const powers = adamPowers(contents.optimizer);
    const entries = [...weights.map((w) => w.tensor), ...powers];
    state.optimizerPowers = powers.length;
    state.optimizer = await encodeTo(
      path.join(next, OPTIMIZER),
      entries.map((tensor, i) => ({ name: `o${i}`, tensor })),
    );
    // getWeights() makes a fresh scalar for the iteration count; the other entries are live slots.
    weights.filter((w) => w.name === 'iter').forEach((w) => w.tensor.dispose());
  } else if (current && fs.existsSync(path.join(current, OPTIMIZER))) {
    carry(path.join(current, OPTIMIZER), path.join(next, OPTIMIZER));
  }
  fault();
  if (contents.adapters) {
    state.adapters = await encodeTo(
      path.join(next, ADAPTERS),
      contents.adapters.map((v, i) => ({ name: `a${i}`, tensor: v })),
    );
  } else if (current && fs.existsSync(path.join(current, ADAPTERS))) {
    carry(path.join(current, ADAPTERS), path.join(next, ADAPTERS));
  }
  fault();
  writeJsonAtomic(path.join(next, STATE), state);
  fault();
  const files: Manifest['files'] = {};
  for (const rel of filesBelow(next)) {
    const file = path.join(next, rel);
    files[rel] = { bytes: fs.statSync(file).size, sha256: sha256(file) };
  }
  writeJsonAtomic(path.join(next, MANIFEST), { version: 1, seq, files } satisfies Manifest);
  fault();
  // The switch: the current unit becomes the fallback, the new one current.
  if (current) {
    fs.rmSync(prevDir(stageDir), { recursive: true, force: true });
    fs.renameSync(current, prevDir(stageDir));
  }
  fault();
  fs.renameSync(next, stageDir);
}

/** Checkpoints the live model, optimizer and adapters with `state` as one unit (best/ from the model when `best`). */
export async function saveCheckpoint(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  adapters: tf.Variable[],
  state: Omit<StageState, 'optimizer' | 'adapters'>,
  best = false,
): Promise<void> {
  await writeUnit(dir, { model, optimizer, adapters, best, state: state as StageState });
}

/** Records a new state (completion, metrics) over the current unit's weights, as a new unit. */
export async function markComplete(dir: string, state: StageState): Promise<void> {
  const current = readStageState(dir);
  await writeUnit(dir, {
    state: {
      ...state,
      optimizer: current?.optimizer,
      optimizerPowers: current?.optimizerPowers,
      adapters: current?.adapters,
    },
  });
}

/** Restores model weights, optimizer state and adapters from a checkpoint into live objects. */
export async function restoreCheckpoint(
  dir: string,
  state: StageState,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  adapters: tf.Variable[],
): Promise<void> {
  await copyWeightsFrom(path.join(dir, LAST, 'model.json'), model);
  if (state.optimizer && state.optimizer.length > 0) {
    const weights = decodeFrom(path.join(dir, OPTIMIZER), state.optimizer);
    const saved = state.optimizerPowers ?? 0;
    const slots = weights.slice(0, weights.length - saved);
    // The first entry is the iteration count; setWeights recreates the slots in order as variables
    // (and derives the β powers from the count, which older checkpoints without them rely on).
    await optimizer.setWeights(slots);
    const powers = adamPowers(optimizer);
    if (saved === powers.length) powers.forEach((p, i) => p.assign(weights[slots.length + i].tensor));
    tf.dispose(weights.map((w) => w.tensor));
  }
  if (state.adapters && state.adapters.length > 0) {
    const values = decodeFrom(path.join(dir, ADAPTERS), state.adapters);
    values.forEach((v, i) => {
      adapters[i].assign(v.tensor);
      v.tensor.dispose();
    });
  }
}

/** The exported (best-validation) model of a stage's current checkpoint. */
export function bestModelPath(stageDir: string): string {
  return path.join(stageDir, BEST, 'model.json');
}

/** Loads a saved model's weights into a live model of the same architecture. */
export async function copyWeightsFrom(modelJson: string, model: tf.LayersModel): Promise<void> {
  const saved = await loadModel(modelJson);
  model.setWeights(saved.getWeights());
  saved.dispose();
}

/** Removes the fallback units (.prev-*) below a run's checkpoints folder once the run is done. */
export function removeFallbackCheckpoints(checkpointsDir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(checkpointsDir);
  } catch {
    return;
  }
  for (const name of names)
    if (name.startsWith('.prev-') || name.startsWith('.next-'))
      fs.rmSync(path.join(checkpointsDir, name), { recursive: true, force: true });
}
