// Every term inside the trainer's kind of closure: gradients reach the student and the adapters,
// on the pure-JS cpu backend and on wasm (the default, which lacks some gradient kernels).
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { LossSpec } from '../../../src/engine/config/types';
import { selectBackend } from '../../../src/engine/backend/select';
import { createLossTerms } from '../../../src/engine/losses';
import type { LossContext, LossInputs, LossTerm } from '../../../src/engine/losses';
import { assertAllClose, oneHot, randomArr, tensor } from './numeric';

const B = 6;
const ctx: LossContext = {
  teacherShapes: { t1: [4, 4, 8], t2: [2, 2, 16], embed: [12], block_2: [3, 6], block_2_attention: [2, 3, 3] },
  studentShapes: {
    s1: [4, 4, 8],
    s2: [2, 2, 16],
    narrow: [4, 4, 4],
    embed: [5],
    block_1: [3, 4],
    block_1_attention: [2, 3, 3],
  },
  classes: 5,
  seed: 2,
};

const SPECS: LossSpec[] = [
  { type: 'ce', weight: 0.1, labelSmoothing: 0.1 },
  { type: 'kd', weight: 0.9, temperature: 4, scaleByTemperatureSquared: true },
  { type: 'dkd', weight: 1, alpha: 1, beta: 8, temperature: 4, warmupEpochs: 5 },
  { type: 'hint', weight: 1, teacherLayer: 't1', studentLayer: 'narrow' },
  { type: 'hint', weight: 1, teacherLayer: 'embed', studentLayer: 'embed' },
  {
    type: 'at',
    weight: 1000,
    p: 2,
    pairs: [
      { teacherLayer: 't1', studentLayer: 's1' },
      { teacherLayer: 't2', studentLayer: 'narrow' },
    ],
  },
  { type: 'nst', weight: 50, teacherLayer: 't1', studentLayer: 's2' },
  { type: 'rkd', weight: 1, teacherLayer: 'embed', studentLayer: 'embed', distanceWeight: 25, angleWeight: 50 },
  { type: 'sp', weight: 3000, teacherLayer: 't2', studentLayer: 's2' },
  { type: 'cc', weight: 0.02 },
  { type: 'pkt', weight: 30000, teacherLayer: 'embed' },
  { type: 'fsp', weight: 50, teacherLayers: ['t1', 't2'], studentLayers: ['s1', 's2'] },
  { type: 'reverseKl', weight: 1, temperature: 2, scaleByTemperatureSquared: true },
  { type: 'jsd', weight: 1, beta: 0.3, temperature: 2, scaleByTemperatureSquared: true },
  { type: 'tvd', weight: 1, temperature: 1, scaleByTemperatureSquared: true },
  { type: 'cosine', weight: 1, teacherLayer: 't1', studentLayer: 's1' },
  { type: 'attention', weight: 1, teacherLayer: 'block_2_attention', studentLayer: 'block_1_attention' },
  { type: 'hidden', weight: 1, teacherLayer: 'block_2', studentLayer: 'block_1' },
  { type: 'embedding', weight: 1, teacherLayer: 'block_2', studentLayer: 'block_1' },
];

const studentArrays = {
  logits: randomArr([B, 5], 1, -2, 2),
  s1: randomArr([B, 4, 4, 8], 2),
  s2: randomArr([B, 2, 2, 16], 3),
  narrow: randomArr([B, 4, 4, 4], 4),
  embed: randomArr([B, 5], 5),
  block_1: randomArr([B, 3, 4], 11),
  block_1_attention: randomArr([B, 2, 3, 3], 12, 0, 1),
};
const teacherArrays = {
  logits: randomArr([B, 5], 6, -3, 3),
  t1: randomArr([B, 4, 4, 8], 7),
  t2: randomArr([B, 2, 2, 16], 8),
  embed: randomArr([B, 12], 9),
  block_2: randomArr([B, 3, 6], 13),
  block_2_attention: randomArr([B, 2, 3, 3], 14, 0, 1),
};

/** Gradient of each term with respect to the student's tensors and the term's adapters, on the active backend. */
function gradients(): Record<string, Record<string, number[]>> {
  const terms = createLossTerms(SPECS, ctx);
  const student = Object.fromEntries(
    Object.entries(studentArrays).map(([k, v]) => [k, tf.variable(tensor(v), true, `student_${k}_${tf.getBackend()}`)]),
  );
  const teacher = Object.fromEntries(Object.entries(teacherArrays).map(([k, v]) => [k, tensor(v)]));
  const labels = tensor(oneHot([0, 1, 2, 3, 4, 0], 5)) as tf.Tensor2D;
  const out: Record<string, Record<string, number[]>> = {};
  for (const term of terms) {
    const variables = [...Object.values(student), ...term.trainableVariables()];
    const { value, grads } = tf.variableGrads(() => term.compute(inputsOf(student, teacher, labels)), variables);
    out[term.name] = {
      value: [value.dataSync()[0]],
      ...Object.fromEntries(
        Object.entries(grads).map(([k, g]) => [
          k.replace(/_(cpu|wasm)$/, '').replace(/_\d+$/, ''),
          Array.from(g.dataSync()),
        ]),
      ),
    };
    tf.dispose([value, ...Object.values(grads)]);
  }
  terms.forEach((t: LossTerm) => t.dispose());
  tf.dispose([...Object.values(student), ...Object.values(teacher), labels]);
  return out;
}

function inputsOf(
  student: Record<string, tf.Tensor>,
  teacher: Record<string, tf.Tensor>,
  labels: tf.Tensor2D,
): LossInputs {
  const { logits, ...studentFeatures } = student;
  const { logits: teacherLogits, ...teacherFeatures } = teacher;
  return {
    studentLogits: logits as tf.Tensor2D,
    teacherLogits: teacherLogits as tf.Tensor2D,
    labels,
    studentFeatures,
    teacherFeatures,
    epoch: 3,
  };
}

describe('losses: inside a training step', () => {
  let previous = 'cpu';
  before(async () => {
    previous = tf.getBackend() ?? 'cpu';
    await tf.setBackend('cpu');
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  it('gives every term a finite, non-zero gradient for what it reads, and the same on wasm as on cpu', async () => {
    const cpu = gradients();
    for (const [name, grads] of Object.entries(cpu)) {
      const nonZero = Object.entries(grads)
        .filter(([k, g]) => k !== 'value' && g.some((v) => Math.abs(v) > 1e-9))
        .map(([k]) => k);
      assert.ok(nonZero.length > 0, `${name} has no gradient`);
      for (const g of Object.values(grads)) assert.ok(g.every(Number.isFinite), `${name}: non-finite gradient`);
    }
    assert.ok(
      Object.keys(cpu['hint:t1->narrow']).some((k) => k.includes('adapter_kernel')),
      'the hint regressor gets a gradient',
    );
    await selectBackend('wasm');
    const wasm = gradients();
    await tf.setBackend('cpu');
    for (const [name, grads] of Object.entries(cpu)) {
      for (const [k, g] of Object.entries(grads)) assertAllClose(wasm[name][k], g, 1e-5, 1e-3, `${name} ${k}`);
    }
  });

  it('lowers each feature and relation loss when a student is trained on it alone', () => {
    // A linear student maps fixed inputs to its features; the regressor (when any) trains with it.
    const x = tensor(randomArr([B, 7], 10)) as tf.Tensor2D;
    for (const spec of SPECS.slice(3)) {
      const [term] = createLossTerms([spec], ctx);
      const weights = Object.fromEntries(
        ['logits', 's1', 's2', 'narrow', 'embed', 'block_1', 'block_1_attention'].map((name, i) => {
          const size = name === 'logits' ? 5 : ctx.studentShapes[name].reduce((a, b) => a * b, 1);
          return [name, tf.variable(tensor(randomArr([7, size], 20 + i, -0.3, 0.3)))];
        }),
      );
      const teacher = Object.fromEntries(Object.entries(teacherArrays).map(([k, v]) => [k, tensor(v)]));
      const labels = tensor(oneHot([0, 1, 2, 3, 4, 0], 5)) as tf.Tensor2D;
      const loss = () =>
        tf.tidy(() => {
          const student = Object.fromEntries(
            Object.entries(weights).map(([name, w]) => [
              name,
              tf.reshape(tf.matMul(x, w), name === 'logits' ? [B, 5] : [B, ...ctx.studentShapes[name]]),
            ]),
          );
          return term.compute(inputsOf(student, teacher, labels));
        });
      const optimizer = tf.train.adam(0.01);
      const first = loss().dataSync()[0];
      for (let step = 0; step < 30; step++)
        optimizer.minimize(loss, false, [...Object.values(weights), ...term.trainableVariables()]);
      const last = loss().dataSync()[0];
      assert.ok(last < first * 0.9, `${term.name}: ${first} → ${last}`);
      optimizer.dispose();
      term.dispose();
      tf.dispose([...Object.values(weights), ...Object.values(teacher), labels]);
    }
    x.dispose();
  });
});
