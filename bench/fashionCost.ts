// CPU time of the Fashion-MNIST example's training steps (examples/fashion-mnist/small-cnn.kd.json)
// at batch 128 on wasm, so the example's cost can be stated on an idle machine even when this one is
// shared. Run: npx tsx bench/fashionCost.ts [steps]  (prints JSON).
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { parse } from 'jsonc-parser';
import { selectBackend } from '../src/engine/backend/select';
import type { LayerSpec } from '../src/engine/config/types';
import { augmentBatch } from '../src/engine/data/augment/augment';
import type { Batch, Dataset } from '../src/engine/data/types';
import { createLossTerms } from '../src/engine/losses';
import { buildModel } from '../src/engine/models';
import { createRng } from '../src/engine/random';
import { createOptimizer } from '../src/engine/train/optimizer';
import { modelVariables, trainStep } from '../src/engine/train/stage';
import { liveTeacher } from '../src/engine/train/teacherOutputs';

const steps = Number(process.argv[2] ?? 5);
const SHAPE = [28, 28, 1];
const BATCH = 128;
const example = parse(
  fs.readFileSync(path.join(__dirname, '..', 'examples', 'fashion-mnist', 'small-cnn.kd.json'), 'utf8'),
) as { cells: { name: string; student: { layers: LayerSpec[] } }[] };
const layers = (cell: string) => example.cells.find((c) => c.name === cell)?.student.layers ?? [];
const dataset = { inputShape: SHAPE, classes: 10 } as unknown as Dataset;

function batch(seed: number): Batch {
  const rng = createRng(seed);
  const raw: Batch = {
    x: Float32Array.from({ length: BATCH * 784 }, () => rng()),
    y: Int32Array.from({ length: BATCH }, () => Math.floor(rng() * 10)),
    indices: Int32Array.from({ length: BATCH }, (_, i) => i),
    size: BATCH,
  };
  const ops = [{ type: 'randomCrop', padding: 2 } as const, { type: 'horizontalFlip' } as const];
  return augmentBatch(raw, ops, { seed: 1, epoch: 1, inputShape: SHAPE, classes: 10 });
}

function cpuMsPerStep(student: LayerSpec[], teacher?: tf.LayersModel): { cpuMs: number; params: number } {
  const model = buildModel({ layers: student }, { inputShape: SHAPE, classes: 10, name: 's', seed: 1 }).model;
  const terms = createLossTerms(
    teacher
      ? [
          { type: 'ce', weight: 0.3 },
          { type: 'kd', weight: 0.7, temperature: 4, scaleByTemperatureSquared: true },
        ]
      : [{ type: 'ce', weight: 1 }],
    { teacherShapes: {}, studentShapes: {}, classes: 10, seed: 1 },
  );
  const optimizer = createOptimizer({
    type: 'adam',
    lr: 0.002,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    weightDecay: 0,
  });
  const source = teacher ? liveTeacher(teacher, []) : undefined;
  const variables = modelVariables(model);
  trainStep(model, [], variables, optimizer, terms, source, batch(0), dataset, 1, 0);
  const start = process.cpuUsage();
  for (let i = 1; i <= steps; i++) trainStep(model, [], variables, optimizer, terms, source, batch(i), dataset, 1, 0);
  const used = process.cpuUsage(start);
  return { cpuMs: (used.user + used.system) / 1000 / steps, params: model.countParams() };
}

async function main(): Promise<void> {
  const backend = await selectBackend('wasm');
  const teacherLayers = layers('teacher');
  const teacher = buildModel({ layers: teacherLayers }, { inputShape: SHAPE, classes: 10, name: 't', seed: 2 }).model;
  const rows = {
    teacher: cpuMsPerStep(teacherLayers),
    distilled: cpuMsPerStep(layers('kd'), teacher),
    baseline: cpuMsPerStep(layers('kd')),
  };
  console.log(
    JSON.stringify({ date: new Date().toISOString(), backend: backend.backend, batch: BATCH, steps, rows }, null, 2),
  );
}

void main();
