// TinyBERT's attention, hidden-state and embedding losses against float64 formulas written loop by
// loop (padding masked), their gradients (student and projection) against finite differences, and
// the layer mapping that pairs student blocks with teacher blocks.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { attentionMseLoss, createLossTerm, sequenceMseLoss } from '../../../src/engine/losses';
import type { LossContext } from '../../../src/engine/losses';
import { mapBlocks } from '../../../src/engine/models/layerMapping';
import { assertClose, checkGradient, f32, randomArr, scalarOf, tensor, type Arr } from './numeric';

const B = 2;
const H = 2;
const L = 3;
/** Example 1 has two real tokens, example 2 one. */
const IDS = [
  [4, 7, 0],
  [5, 0, 0],
];
const real = (b: number, i: number) => (IDS[b][i] !== 0 ? 1 : 0);

/** Rows that sum to one, like attention probabilities. */
function attentionArr(seed: number): Arr {
  const a = randomArr([B, H, L, L], seed, 0.1, 1);
  for (let r = 0; r < a.data.length; r += L) {
    const sum = a.data.slice(r, r + L).reduce((x, y) => x + y, 0);
    for (let k = 0; k < L; k++) a.data[r + k] /= sum;
  }
  return f32(a);
}

function attentionRef(s: number[], t: number[], masked: boolean): number {
  let total = 0;
  let count = 0;
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let i = 0; i < L; i++)
        for (let j = 0; j < L; j++) {
          const m = masked ? real(b, i) * real(b, j) : 1;
          const k = ((b * H + h) * L + i) * L + j;
          total += m * (s[k] - t[k]) ** 2;
          count += m;
        }
  return total / count;
}

/** Σ over real positions of ‖s·W + bias − t‖² / (positions · d_t), W [ds, dt] row-major. */
function sequenceRef(s: number[], ds: number, t: number[], dt: number, w?: number[], bias?: number[]): number {
  let total = 0;
  let positions = 0;
  for (let b = 0; b < B; b++)
    for (let i = 0; i < L; i++) {
      if (!real(b, i)) continue;
      positions++;
      for (let o = 0; o < dt; o++) {
        let y = w && bias ? bias[o] : s[(b * L + i) * ds + o];
        if (w) for (let k = 0; k < ds; k++) y += s[(b * L + i) * ds + k] * w[k * dt + o];
        total += (y - t[(b * L + i) * dt + o]) ** 2;
      }
    }
  return total / (positions * dt);
}

describe('losses: TinyBERT attention, hidden and embedding; layer mapping', () => {
  let ids: tf.Tensor2D;
  before(async () => {
    await tf.setBackend('cpu');
    ids = tf.tensor2d(IDS, undefined, 'int32');
  });
  after(() => ids.dispose());

  it('attention: MSE over heads and real (query, key) pairs, equal to the hand sum, with its gradient', () => {
    const s = attentionArr(1);
    const t = attentionArr(2);
    assertClose(
      scalarOf(() => attentionMseLoss(tensor(s), tensor(t), ids)),
      attentionRef(s.data, t.data, true),
      1e-7,
      'masked',
    );
    assertClose(
      scalarOf(() => attentionMseLoss(tensor(s), tensor(t))),
      attentionRef(s.data, t.data, false),
      1e-7,
      'unmasked',
    );
    // 2 examples × 2 heads: example 1 has 4 real pairs, example 2 one; so 10 entries count.
    checkGradient(
      (x) => attentionMseLoss(x, tensor(t), ids),
      (data) => attentionRef(data, t.data, true),
      s,
    );
    assertClose(
      scalarOf(() => attentionMseLoss(tensor(t), tensor(t), ids)),
      0,
      0,
    );
  });

  it('hidden/embedding: projected MSE over real positions, with gradients for the student and the projection', () => {
    const ds = 3;
    const dt = 4;
    const s = f32(randomArr([B, L, ds], 3));
    const t = f32(randomArr([B, L, dt], 4));
    const w = f32(randomArr([ds, dt], 5));
    const bias = f32(randomArr([dt], 6));
    const proj = () => ({ kernel: tensor(w) as tf.Tensor2D, bias: tensor(bias) as tf.Tensor1D });
    assertClose(
      scalarOf(() => sequenceMseLoss(tensor(s), tensor(t), proj(), ids)),
      sequenceRef(s.data, ds, t.data, dt, w.data, bias.data),
      1e-6,
    );
    checkGradient(
      (x) => sequenceMseLoss(x, tensor(t), proj(), ids),
      (data) => sequenceRef(data, ds, t.data, dt, w.data, bias.data),
      s,
    );
    checkGradient(
      (x) =>
        sequenceMseLoss(tensor(s), tensor(t), { kernel: x as tf.Tensor2D, bias: tensor(bias) as tf.Tensor1D }, ids),
      (data) => sequenceRef(s.data, ds, t.data, dt, data, bias.data),
      w,
    );
    const same = f32(randomArr([B, L, dt], 7));
    assertClose(
      scalarOf(() => sequenceMseLoss(tensor(same), tensor(t), undefined, ids)),
      sequenceRef(same.data, dt, t.data, dt),
      1e-6,
      'no projection',
    );
  });

  it('maps student blocks uniformly (every second of a twice-as-deep teacher) or by explicit pairs', () => {
    assert.deepStrictEqual(mapBlocks('x', 'uniform', 2, 4), [
      { student: 1, teacher: 2 },
      { student: 2, teacher: 4 },
    ]);
    assert.deepStrictEqual(
      mapBlocks('x', 'uniform', 3, 4).map((p) => p.teacher),
      [2, 3, 4],
    );
    assert.deepStrictEqual(mapBlocks('x', [[1, 3]], 2, 4), [{ student: 1, teacher: 3 }]);
    assert.throws(() => mapBlocks('attention', [[3, 1]], 2, 4), /attention: mapping pair 1 \[3,1\]/);
    assert.throws(() => mapBlocks('attention', 'uniform', 4, 2), /no deeper than the teacher/);
    assert.throws(() => mapBlocks('hidden', 'uniform', 0, 2), /student has no blocks/);
  });

  it('builds mapped terms that read block_i / block_i_attention pairs, with one projection W_h for hidden', () => {
    const ctx: LossContext = {
      teacherShapes: {
        embedding: [L, 8],
        block_1: [L, 8],
        block_2: [L, 8],
        block_1_attention: [H, L, L],
        block_2_attention: [H, L, L],
      },
      studentShapes: { embedding: [L, 4], block_1: [L, 4], block_1_attention: [H, L, L] },
      classes: 2,
      seed: 1,
    };
    const attention = createLossTerm({ type: 'attention', weight: 1 }, ctx);
    assert.deepStrictEqual(
      [attention.teacherLayers, attention.studentLayers],
      [['block_2_attention'], ['block_1_attention']],
    );
    const hidden = createLossTerm({ type: 'hidden', weight: 1, mapping: [[1, 1]] }, ctx);
    assert.deepStrictEqual([hidden.teacherLayers, hidden.studentLayers], [['block_1'], ['block_1']]);
    assert.deepStrictEqual(
      hidden.trainableVariables().map((v) => v.shape),
      [[4, 8], [8]],
    );
    const embedding = createLossTerm(
      { type: 'embedding', weight: 1, teacherLayer: 'embedding', studentLayer: 'embedding' },
      ctx,
    );
    assert.strictEqual(embedding.adapters().embedding, 'dense 4->8');
    assert.throws(
      () => createLossTerm({ type: 'attention', weight: 1, teacherLayer: 'block_1' }, ctx),
      /give both teacherLayer and studentLayer/,
    );
    const narrow = { ...ctx, studentShapes: { ...ctx.studentShapes, block_1_attention: [1, L, L] } };
    assert.throws(() => createLossTerm({ type: 'attention', weight: 1 }, narrow), /same number of heads/);
    // A term's value on real tensors: the mapped pair's masked MSE.
    const s = attentionArr(8);
    const t = attentionArr(9);
    const value = scalarOf(() =>
      attention.compute({
        studentLogits: tf.zeros([B, 2]),
        teacherLogits: tf.zeros([B, 2]),
        labels: tf.zeros([B, 2]),
        studentFeatures: { block_1_attention: tensor(s) },
        teacherFeatures: { block_2_attention: tensor(t) },
        epoch: 1,
        modelInputs: ids,
      }),
    );
    assertClose(value, attentionRef(s.data, t.data, true), 1e-7);
    [attention, hidden, embedding].forEach((term) => term.dispose());
  });
});
