// CRD against a float64 computation written here from the paper's formulas: the NCE value with Z
// estimated from the first batch, the softmax-contrastive variant, the momentum update of the
// memory banks, gradients by central finite differences, and a term restored from saved state
// continuing exactly where the original would.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { LossSpec } from '../../../src/engine/config/types';
import { selectBackend } from '../../../src/engine/backend/select';
import { contrastIndices, createLossTerm, nceLoss, softmaxContrastLoss, CRD_EPS } from '../../../src/engine/losses';
import type { LossContext, LossInputs, LossTerm } from '../../../src/engine/losses';
import { assertAllClose, assertClose, checkGradient, f32, oneHot, randomArr, tensor, type Arr } from './numeric';

const B = 2;
const N = 6;
const K = 2;
const FEAT = 3;
const TAU = 0.5;
const ctx: LossContext = {
  teacherShapes: { pool: [5], logits: [3] },
  studentShapes: { pool: [4], logits: [3] },
  classes: 3,
  seed: 4,
  trainSize: N,
};
const spec = (objective: 'nce' | 'softmax'): LossSpec => ({
  type: 'crd',
  weight: 0.8,
  feat: FEAT,
  nceK: K,
  temperature: TAU,
  momentum: 0.5,
  objective,
});
const fs = f32(randomArr([B, 4], 21));
const ft = f32(randomArr([B, 5], 22));
const indices = Int32Array.from([4, 1]);

function inputs(student: tf.Tensor, batch = indices): LossInputs {
  return {
    studentLogits: tf.zeros([B, 3]) as tf.Tensor2D,
    teacherLogits: tf.zeros([B, 3]) as tf.Tensor2D,
    labels: tensor(oneHot([0, 1], 3)) as tf.Tensor2D,
    studentFeatures: { pool: student },
    teacherFeatures: { pool: tensor(ft) },
    epoch: 1,
    indices: batch,
  };
}

type Matrix = number[][];
const rowsOf = (t: tf.Tensor): Matrix => t.arraySync() as Matrix;

/** What a term holds, read out as float64 arrays. */
function snapshot(term: LossTerm): { ws: Matrix; bs: number[]; wt: Matrix; bt: number[]; memS: Matrix; memT: Matrix } {
  const [ws, bs, wt, bt] = term.trainableVariables();
  const [memS, memT] = term.stateVariables();
  return {
    ws: rowsOf(ws),
    bs: Array.from(bs.dataSync()),
    wt: rowsOf(wt),
    bt: Array.from(bt.dataSync()),
    memS: rowsOf(memS),
    memT: rowsOf(memT),
  };
}

function embed(x: number[], w: Matrix, b: number[]): number[] {
  const y = b.map((bias, o) => bias + x.reduce((sum, xi, i) => sum + xi * w[i][o], 0));
  const norm = Math.sqrt(y.reduce((s, v) => s + v * v, 0));
  return y.map((v) => v / norm);
}

const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);

function nce64(p: Matrix): number {
  const c = K / N;
  let total = 0;
  for (const row of p) {
    total += Math.log(row[0] / (row[0] + c + CRD_EPS));
    for (let j = 1; j < row.length; j++) total += Math.log(c / (row[j] + c + CRD_EPS));
  }
  return -total / p.length;
}

/** The reference CRD value for student features `s` (flat), with Z given or estimated from this batch. */
function crd64(
  s: number[],
  held: ReturnType<typeof snapshot>,
  idx: Int32Array,
  objective: 'nce' | 'softmax',
  z?: [number, number],
): { loss: number; z: [number, number]; vs: Matrix; vt: Matrix } {
  const vs = Array.from({ length: B }, (_, b) => embed(s.slice(b * 4, b * 4 + 4), held.ws, held.bs));
  const vt = Array.from({ length: B }, (_, b) => embed(ft.data.slice(b * 5, b * 5 + 5), held.wt, held.bt));
  const scores = (v: Matrix, memory: Matrix): Matrix =>
    v.map((vb, b) => Array.from({ length: K + 1 }, (_, j) => dot(memory[idx[b * (K + 1) + j]], vb)));
  const sS = scores(vs, held.memT);
  const sT = scores(vt, held.memS);
  if (objective === 'softmax') {
    const ce = (m: Matrix) =>
      -m.reduce((sum, row) => {
        const e = row.map((v) => Math.exp(v / TAU));
        return sum + Math.log(e[0] / e.reduce((a, v) => a + v, 0));
      }, 0) / B;
    return { loss: ce(sS) + ce(sT), z: [0, 0], vs, vt };
  }
  const eS = sS.map((r) => r.map((v) => Math.exp(v / TAU)));
  const eT = sT.map((r) => r.map((v) => Math.exp(v / TAU)));
  const mean = (m: Matrix) => m.flat().reduce((a, v) => a + v, 0) / m.flat().length;
  const zz: [number, number] = z ?? [mean(eS) * N, mean(eT) * N];
  return {
    loss: nce64(eS.map((r) => r.map((v) => v / zz[0]))) + nce64(eT.map((r) => r.map((v) => v / zz[1]))),
    z: zz,
    vs,
    vt,
  };
}

describe('crd', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('nceLoss follows the NCE formula with Pn = 1/N and m = K', () => {
    const p: Arr = f32({ shape: [2, 3], data: [0.9, 0.1, 0.3, 0.05, 0.7, 0.2] });
    const value = tf.tidy(() => nceLoss(tensor(p) as tf.Tensor2D, N).dataSync()[0]);
    assertClose(value, nce64([p.data.slice(0, 3), p.data.slice(3)]), 1e-5, 'nce');
  });

  it('softmaxContrastLoss is the cross-entropy of the positive among the K + 1 scores', () => {
    const scores = f32({ shape: [1, 3], data: [0.5, -0.2, 0.1] });
    const value = tf.tidy(() => softmaxContrastLoss(tensor(scores) as tf.Tensor2D, TAU).dataSync()[0]);
    const e = scores.data.map((v) => Math.exp(v / TAU));
    assertClose(value, -Math.log(e[0] / (e[0] + e[1] + e[2])), 1e-5, 'softmax contrast');
  });

  it('draws the example itself, then K uniform negatives, from the seed and the step alone', () => {
    const idx = contrastIndices(4, 0, indices, N, K);
    assert.deepStrictEqual([idx[0], idx[K + 1]], [4, 1]);
    assert.ok(Array.from(idx).every((i) => i >= 0 && i < N));
    assert.deepStrictEqual(contrastIndices(4, 0, indices, N, K), idx);
    assert.notDeepStrictEqual(
      Array.from(contrastIndices(4, 1, indices, 1000, 8)),
      Array.from(contrastIndices(4, 0, indices, 1000, 8)),
    );
  });

  for (const objective of ['nce', 'softmax'] as const) {
    it(`${objective}: the term's value, and the momentum update of both memories, equal the float64 computation`, () => {
      const term = createLossTerm(spec(objective), ctx);
      assert.strictEqual(term.name, 'crd:pool->pool');
      assert.deepStrictEqual([term.teacherLayers, term.studentLayers], [['pool'], ['pool']]);
      const held = snapshot(term);
      const expected = crd64(fs.data, held, contrastIndices(ctx.seed, 0, indices, N, K), objective);
      const value = tf.tidy(() => term.compute(inputs(tensor(fs))).dataSync()[0]);
      assertClose(value, expected.loss, 2e-4 * Math.max(1, Math.abs(expected.loss)), 'crd');
      const after = snapshot(term);
      indices.forEach((row, b) => {
        for (const [memory, before, v] of [
          [after.memS, held.memS, expected.vs],
          [after.memT, held.memT, expected.vt],
        ] as const) {
          const mixed = before[row].map((m, k) => 0.5 * m + 0.5 * v[b][k]);
          const norm = Math.sqrt(mixed.reduce((s, x) => s + x * x, 0));
          assertAllClose(
            memory[row],
            mixed.map((x) => x / norm),
            1e-5,
            0,
            `memory row ${row}`,
          );
        }
      });
      // Rows outside the batch are untouched.
      assert.deepStrictEqual(after.memS[0], held.memS[0]);
      term.dispose();
    });
  }

  for (const objective of ['nce', 'softmax'] as const) {
    it(`${objective}: gradients with respect to the student features match finite differences (Z held at its estimate)`, () => {
      const term = createLossTerm(spec(objective), ctx);
      const held = snapshot(term);
      const idx = contrastIndices(ctx.seed, 0, indices, N, K);
      const { z } = crd64(fs.data, held, idx, objective);
      checkGradient(
        (x) => term.compute(inputs(x)),
        (data) => crd64(data, held, idx, objective, z).loss,
        fs,
        2e-5,
        3e-3,
      );
      term.dispose();
    });
  }

  it('a term given the saved state continues exactly as the original', () => {
    const original = createLossTerm(spec('nce'), ctx);
    const second = Int32Array.from([0, 5]);
    tf.tidy(() => original.compute(inputs(tensor(fs))));
    const restored = createLossTerm(spec('nce'), { ...ctx, seed: ctx.seed });
    [...original.trainableVariables(), ...original.stateVariables()].forEach((v, i) =>
      [...restored.trainableVariables(), ...restored.stateVariables()][i].assign(v),
    );
    const fresh = createLossTerm(spec('nce'), ctx);
    const next = (term: LossTerm) => tf.tidy(() => term.compute(inputs(tensor(fs), second)).dataSync()[0]);
    const [a, b, c] = [next(original), next(restored), next(fresh)];
    assert.strictEqual(b, a);
    assert.notStrictEqual(c, a, 'a term without the state draws other negatives from other memories');
    assert.strictEqual(original.stateVariables().length, 4);
    assert.strictEqual(original.stateVariables()[3].dataSync()[0], 2, 'two steps drawn');
    [original, restored, fresh].forEach((t) => t.dispose());
  });

  it('refuses bad parameters and a batch without example indices', () => {
    assert.throws(
      () => createLossTerm({ ...spec('nce'), nceK: 0 } as LossSpec, ctx),
      /crd: nceK must be a positive integer/,
    );
    assert.throws(
      () => createLossTerm(spec('nce'), { ...ctx, trainSize: undefined }),
      /crd: needs the size of the training set/,
    );
    assert.throws(
      () => createLossTerm({ ...spec('nce'), studentLayer: 'nope' } as LossSpec, ctx),
      /crd: student layer "nope" not found; available student layers: pool, logits/,
    );
    const term = createLossTerm(spec('nce'), ctx);
    assert.throws(
      () => tf.tidy(() => term.compute({ ...inputs(tensor(fs)), indices: undefined })),
      /crd: needs the training examples' indices/,
    );
    term.dispose();
  });
});

describe('crd on the wasm backend', () => {
  after(async () => {
    await tf.setBackend('cpu');
  });

  it("gives the cpu backend's value and gradient, memory update included", async () => {
    const run = async (backend: string): Promise<number[]> => {
      await selectBackend(backend as 'cpu' | 'wasm');
      const term = createLossTerm(spec('nce'), ctx);
      const x = tensor(fs);
      const { value, grads } = tf.variableGrads(() => term.compute(inputs(x)), term.trainableVariables());
      const out = [
        value.dataSync()[0],
        ...term.trainableVariables().flatMap((v) => Array.from(grads[v.name].dataSync())),
      ];
      out.push(...Array.from(term.stateVariables()[0].dataSync()));
      tf.dispose([x, value, ...Object.values(grads)]);
      term.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    assertAllClose(wasm, cpu, 1e-5, 1e-4, 'value, head gradients and updated memory');
  });
});
