// The sequence layers and text presets: attention probabilities against a hand computation with
// masked keys, gradients against finite differences on tiny sizes, padding that changes nothing,
// layer names, and a save/load round trip of the custom layers through model.json.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../../src/engine/models';
import { AttentionMaps } from '../../../src/engine/models/sequence/attentionMaps';
import { TransformerBlock } from '../../../src/engine/models/sequence/transformerBlock';
import { TokenEmbedding } from '../../../src/engine/models/sequence/tokenEmbedding';
import { SequencePooling } from '../../../src/engine/models/sequence/sequencePooling';
import type { BiLstmPreset, TransformerPreset } from '../../../src/engine/config/types';
import { assertAllClose, randomArr } from '../losses/numeric';

const transformer: TransformerPreset = { preset: 'transformer', layers: 2, dModel: 8, heads: 2, ffn: 12, dropout: 0.1 };
const bilstm: BiLstmPreset = { preset: 'bilstm', units: 4, embedding: 6 };

function build(spec: TransformerPreset | BiLstmPreset, length: number, seed = 3): tf.LayersModel {
  return buildModel(spec, { inputShape: [length], classes: 3, name: 'm', seed, vocabSize: 11 }).model;
}

/** Copies weights between two builds that differ only in sequence length (the position table is cut). */
function copyWeights(from: tf.LayersModel, to: tf.LayersModel): void {
  const source = from.getWeights();
  to.setWeights(
    to.getWeights().map((w, i) => (w.shape[0] === source[i].shape[0] ? source[i] : tf.slice(source[i], 0, w.shape[0]))),
  );
}

/** Central differences of a scalar function of a tensor's values (float32, so a loose tolerance). */
function numericGradient(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, h = 3e-3): number[] {
  const base = Array.from(x.dataSync());
  return base.map((_, i) => {
    const at = (delta: number) =>
      tf.tidy(() => {
        const v = base.slice();
        v[i] += delta;
        return f(tf.tensor(v, x.shape)).dataSync()[0];
      });
    return (at(h) - at(-h)) / (2 * h);
  });
}

describe('models: sequence layers and text presets', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('computes attention as softmax(Q·Kᵀ/√dₕ) by hand, with no weight on padding keys', () => {
    const layer = new AttentionMaps({ heads: 1 });
    const x = tf.tensor3d([
      [
        [1, 0],
        [0, 2],
        [5, 5],
      ],
    ]);
    const ids = tf.tensor2d([[2, 7, 0]]);
    layer.apply([x, ids]);
    // Q = x·Wq with Wq = [[1, 0], [0, 1]]; K = x·Wk with Wk = [[2, 0], [0, 1]]; biases 0.1 and 0.
    layer.setWeights([
      tf.tensor2d([
        [1, 0],
        [0, 1],
      ]),
      tf.fill([2], 0.1),
      tf.tensor2d([
        [2, 0],
        [0, 1],
      ]),
      tf.zeros([2]),
    ]);
    const probs = (layer.apply([x, ids]) as tf.Tensor).arraySync() as number[][][][];
    const rows = [
      [1, 0],
      [0, 2],
      [5, 5],
    ];
    const q = rows.map((r) => [r[0] + 0.1, r[1] + 0.1]);
    const k = rows.map((r) => [2 * r[0], r[1]]);
    for (let i = 0; i < 3; i++) {
      const scores = [0, 1].map((j) => (q[i][0] * k[j][0] + q[i][1] * k[j][1]) / Math.sqrt(2));
      const z = Math.exp(scores[0]) + Math.exp(scores[1]);
      assertAllClose(probs[0][0][i], [Math.exp(scores[0]) / z, Math.exp(scores[1]) / z, 0], 1e-6, 1e-5, `row ${i}`);
    }
  });

  it('has the gradients of finite differences through attention, block, embedding and pooling', () => {
    const ids = tf.tensor2d([[2, 4, 9, 0]]);
    const embedding = new TokenEmbedding({ vocabSize: 10, dModel: 4, maxLength: 4, positions: true, seed: 1 });
    const attention = new AttentionMaps({ heads: 2, seed: 2 });
    const block = new TransformerBlock({ heads: 2, ffn: 6, dropout: 0, seed: 3 });
    const pool = new SequencePooling({ mode: 'mean' });
    const weights = tf.tensor(randomArr([4], 9).data);
    const forward = (x: tf.Tensor) => {
      const a = attention.apply([x, ids]) as tf.Tensor;
      const h = block.apply([x, a]) as tf.Tensor;
      return tf.sum(tf.mul(pool.apply([h, ids]) as tf.Tensor, weights)) as tf.Scalar;
    };
    embedding.apply(ids);
    // Unit-scale values: at BERT's 0.02 initial scale, layer norm is too curved for a difference step.
    embedding.setWeights([
      tf.tensor(randomArr([10, 4], 5).data, [10, 4]),
      tf.tensor(randomArr([4, 4], 6).data, [4, 4]),
    ]);
    const x = tf.tensor(randomArr([1, 4, 4], 7).data, [1, 4, 4]);
    forward(x);
    const analytic = Array.from(tf.grad(forward)(x).dataSync());
    assertAllClose(analytic, numericGradient(forward, x), 2e-3, 2e-2, 'd/d hidden');
    // Through the embedding table (gather) and the query kernel of the attention.
    const table = embedding.getWeights()[0];
    const viaTable = (t: tf.Tensor) => {
      embedding.setWeights([t, embedding.getWeights()[1]]);
      return forward(embedding.apply(ids) as tf.Tensor);
    };
    const gTable = tf.grad((t: tf.Tensor) => {
      const e = tf.add(tf.gather(t, tf.cast(ids, 'int32')), tf.slice(embedding.getWeights()[1], [0, 0], [4, 4]));
      return forward(e);
    })(table);
    assertAllClose(Array.from(gTable.dataSync()), numericGradient(viaTable, table), 2e-3, 2e-2, 'd/d table');
    const rows = Array.from(gTable.dataSync());
    assert.ok(
      rows.slice(0, 4).every((g) => g === 0),
      'the [PAD] row gets no gradient from a padded position',
    );
  });

  it('padding changes nothing: the same text padded to 4 or 9 tokens gives the same logits', () => {
    for (const spec of [transformer, { ...transformer, pooling: 'mean' as const }, bilstm]) {
      const long = build(spec, 9);
      const short = build(spec, 4, 77);
      copyWeights(long, short);
      const a = short.predict(tf.tensor2d([[2, 5, 6, 0]])) as tf.Tensor;
      const b = long.predict(tf.tensor2d([[2, 5, 6, 0, 0, 0, 0, 0, 0]])) as tf.Tensor;
      assertAllClose(
        Array.from(b.dataSync()),
        Array.from(a.dataSync()),
        1e-5,
        1e-4,
        `${spec.preset} ${JSON.stringify(spec)}`,
      );
      const other = long.predict(tf.tensor2d([[2, 5, 7, 0, 0, 0, 0, 0, 0]])) as tf.Tensor;
      assert.ok(tf.max(tf.abs(tf.sub(other, b))).dataSync()[0] > 1e-6, 'a real token does change the output');
    }
  });

  it('names the blocks block_1 … block_N with their attention maps, and the BiLSTM student as in Tang et al.', () => {
    const t = build(transformer, 6);
    assert.deepStrictEqual(
      t.layers.map((l) => l.name),
      ['input', 'embedding', 'block_1_attention', 'block_1', 'block_2_attention', 'block_2', 'pool', 'logits'],
    );
    assert.deepStrictEqual(t.getLayer('block_2').outputShape, [null, 6, 8]);
    assert.deepStrictEqual(t.getLayer('block_1_attention').outputShape, [null, 2, 6, 6]);
    const b = build(bilstm, 6);
    assert.deepStrictEqual(
      b.layers.map((l) => l.name),
      ['input', 'embedding', 'bilstm', 'fc', 'logits'],
    );
    assert.deepStrictEqual(b.getLayer('bilstm').outputShape, [null, 8]);
    assert.throws(
      () => buildModel(transformer, { inputShape: [28, 28, 1], classes: 3, name: 'm', seed: 1 }),
      /preset "transformer" reads token ids: use a "text" dataset/,
    );
    assert.throws(() => build({ ...transformer, heads: 3 }, 4), /dModel \(8\) must be a multiple of heads \(3\)/);
  });

  it('saves to model.json and loads back with the same outputs (custom layers registered)', async () => {
    for (const spec of [transformer, bilstm]) {
      const model = build(spec, 5);
      let saved: tf.io.ModelArtifacts | undefined;
      await model.save(
        tf.io.withSaveHandler(async (artifacts) => {
          saved = artifacts;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
      const ids = tf.tensor2d([
        [2, 3, 4, 0, 0],
        [2, 10, 0, 0, 0],
      ]);
      assertAllClose(
        Array.from((loaded.predict(ids) as tf.Tensor).dataSync()),
        Array.from((model.predict(ids) as tf.Tensor).dataSync()),
        1e-6,
        1e-5,
        spec.preset,
      );
    }
  });
});
