// What the CIFAR recipes cost on this machine: the time of a few training steps of the vision
// presets at batch 128 (or the batch given) on 32×32×3 (the student alone, and distilled from a live teacher, as
// augmentation requires), extrapolated (from CPU time) to an epoch of 45,000 images; and the cost of augmenting
// a batch. Run: npx tsx bench/visionCost.ts [steps] [warm-up steps] [batch]  (prints JSON; KD_WASM_THREADS sets wasm threads).
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend/select';
import type { AugmentSpec } from '../src/engine/config/types';
import { augmentBatch } from '../src/engine/data/augment/augment';
import { buildModel, type BuildableSpec } from '../src/engine/models';
import { createLossTerms } from '../src/engine/losses';
import { createOptimizer } from '../src/engine/train/optimizer';
import { modelVariables, trainStep } from '../src/engine/train/stage';
import { liveTeacher } from '../src/engine/train/teacherOutputs';
import type { Batch, Dataset } from '../src/engine/data/types';
import { createRng } from '../src/engine/random';

/** Batch size (128 in the recipes; smaller batches give a per-image cost to scale up when time is short). */
const BATCH = Number(process.argv[4] ?? 128);
const SHAPE = [32, 32, 3];
const EPOCH_IMAGES = 45000;
const steps = Number(process.argv[2] ?? 3);
/** Untimed steps first (kernel set-up); 0 times the very first step too. */
const warmup = Number(process.argv[3] ?? 1);

function randomBatch(seed: number): Batch {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: BATCH * 3072 }, () => rng());
  const y = Int32Array.from({ length: BATCH }, () => Math.floor(rng() * 10));
  return { x, y, indices: Int32Array.from({ length: BATCH }, (_, i) => i), size: BATCH };
}

const dataset = { inputShape: SHAPE, classes: 10 } as unknown as Dataset;

function build(spec: BuildableSpec, name: string): tf.LayersModel {
  return buildModel(spec, { inputShape: SHAPE, classes: 10, name, seed: 1 }).model;
}

/**
 * Median wall and CPU ms of `steps` steps after `warmup` untimed ones. The CPU time of this process is
 * what a step costs on an idle core when the machine is shared (wasm runs one thread in Node).
 */
function timeSteps(
  student: BuildableSpec,
  teacher?: BuildableSpec,
): { medianMs: number; cpuMs: number; params: number } {
  const model = build(student, 'student');
  const teacherModel = teacher ? build(teacher, 'teacher') : undefined;
  const terms = createLossTerms(
    teacher
      ? [
          { type: 'ce', weight: 0.1 },
          { type: 'kd', weight: 0.9, temperature: 4, scaleByTemperatureSquared: true },
        ]
      : [{ type: 'ce', weight: 1 }],
    { teacherShapes: {}, studentShapes: {}, classes: 10, seed: 1 },
  );
  const optimizer = createOptimizer({ type: 'momentum', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const variables = modelVariables(model);
  const source = teacherModel ? liveTeacher(teacherModel, []) : undefined;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const batch = randomBatch(i);
    const start = performance.now();
    const startCpu = process.cpuUsage();
    trainStep(model, [], variables, optimizer, terms, source, batch, dataset, 1, 5e-4);
    const used = process.cpuUsage(startCpu);
    if (i >= warmup) {
      times.push(performance.now() - start);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const params = model.countParams();
  model.dispose();
  teacherModel?.dispose();
  optimizer.dispose();
  return { medianMs: median(times), cpuMs: median(cpu), params };
}

function augmentCost(): Record<string, number> {
  const recipes: Record<string, AugmentSpec[]> = {
    'crop+flip': [{ type: 'randomCrop', padding: 4 }, { type: 'horizontalFlip' }],
    'crop+flip+cutout+normalize': [
      { type: 'randomCrop', padding: 4, fill: 'reflect' },
      { type: 'horizontalFlip' },
      { type: 'cutout', size: 8 },
      { type: 'normalize', mean: [0.49, 0.48, 0.45], std: [0.25, 0.24, 0.26] },
    ],
    mixup: [{ type: 'mixup', alpha: 0.2 }],
    cutmix: [{ type: 'cutmix', alpha: 1 }],
  };
  const out: Record<string, number> = {};
  const batch = randomBatch(1);
  for (const [name, specs] of Object.entries(recipes)) {
    const context = { seed: 1, epoch: 1, inputShape: SHAPE, classes: 10 };
    for (let i = 0; i < 5; i++) augmentBatch(batch, specs, context);
    const start = performance.now();
    const n = 50;
    for (let i = 0; i < n; i++) augmentBatch(batch, specs, { ...context, epoch: i });
    out[name] = (performance.now() - start) / n;
  }
  return out;
}

async function main(): Promise<void> {
  const backend = await selectBackend('wasm');
  const pairs: [string, BuildableSpec, BuildableSpec?][] = [
    ['resnet18', { preset: 'resnet', depth: 18 }],
    ['resnet18 from live resnet34', { preset: 'resnet', depth: 18 }, { preset: 'resnet', depth: 34 }],
    ['vgg11', { preset: 'vgg', depth: 11 }],
    ['vgg11 from live vgg19', { preset: 'vgg', depth: 11 }, { preset: 'vgg', depth: 19 }],
  ];
  const rows = [];
  for (const [name, student, teacher] of pairs) {
    const { medianMs, cpuMs, params } = timeSteps(student, teacher);
    const epochHours = ((EPOCH_IMAGES / BATCH) * cpuMs) / 3.6e6;
    rows.push({
      name,
      studentParams: params,
      stepWallMs: Math.round(medianMs),
      stepCpuMs: Math.round(cpuMs),
      epochHours: +epochHours.toFixed(2),
      recipeDays240: +((epochHours * 240) / 24).toFixed(1),
    });
    console.error(JSON.stringify(rows[rows.length - 1]));
  }
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        backend: backend.backend,
        threads: backend.threads ?? null,
        batch: BATCH,
        steps,
        rows,
        augmentMsPerBatch: augmentCost(),
      },
      null,
      2,
    ),
  );
}

void main();
