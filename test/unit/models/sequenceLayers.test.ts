// Text layers in a hand-written layer list: an encoder (embedding, transformerBlock with its
// tappable attention, pooling) and recurrent models (lstm/gru, bidirectional) build, run, and
// report MACs equal to hand counts; misplaced layers are refused with the layer named.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { LayerSpec } from '../../../src/engine/config/types';
import { buildModel, summarizeModel } from '../../../src/engine/models';

const L = 6;
const ctx = { inputShape: [L], classes: 3, vocabSize: 20, name: 'list', seed: 4 };
const build = (layers: LayerSpec[]) => buildModel({ layers }, ctx).model;
const macsOf = (model: tf.LayersModel) =>
  Object.fromEntries(summarizeModel(model, 'm').layers.map((l) => [l.name, l.macs]));

describe('models: sequence layers in layer lists', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('builds an encoder whose blocks are block_i with block_i_attention, and counts its MACs by hand', () => {
    const model = build([
      { type: 'embedding', dModel: 8 },
      { type: 'transformerBlock', heads: 2, ffn: 16 },
      { type: 'sequencePooling', mode: 'mean' },
    ]);
    const names = model.layers.map((l) => l.name);
    assert.deepStrictEqual(names.slice(1), [
      'embedding',
      'block_1_attention',
      'block_1',
      'sequencePooling_1',
      'logits',
    ]);
    const d = 8;
    assert.deepStrictEqual(macsOf(model), {
      input: 0,
      embedding: 0,
      // Q and K projections, then Q·Kᵀ: 2·L·d² + L²·d.
      block_1_attention: 2 * L * d * d + L * L * d,
      // V and output projections, attention × V, feed-forward d → 16 → d.
      block_1: 2 * L * d * d + L * L * d + 2 * L * d * 16,
      sequencePooling_1: 0,
      logits: d * 3,
    });
    const logits = model.predict(tf.tensor2d([[2, 5, 7, 0, 0, 0]])) as tf.Tensor;
    assert.deepStrictEqual(logits.shape, [1, 3]);
    assert.ok(Array.from(logits.dataSync()).every(Number.isFinite));
    tf.dispose(logits);
    model.dispose();
  });

  it('builds recurrent models (bidirectional LSTM, GRU with sequences) and counts gates × units × (in + units) per step', () => {
    const bilstm = build([
      { type: 'embedding', dModel: 4, positions: false },
      { type: 'lstm', units: 5, bidirectional: true },
    ]);
    assert.strictEqual(macsOf(bilstm).lstm_1, 2 * 4 * 5 * (4 + 5) * L);
    assert.strictEqual(macsOf(bilstm).logits, 10 * 3);
    const gru = build([
      { type: 'embedding', dModel: 4, positions: false },
      { type: 'gru', units: 3, returnSequences: true },
      { type: 'sequencePooling', mode: 'mean' },
    ]);
    assert.strictEqual(macsOf(gru).gru_1, 3 * 3 * (4 + 3) * L);
    const logits = gru.predict(tf.tensor2d([[3, 4, 0, 0, 0, 0]])) as tf.Tensor;
    assert.deepStrictEqual(logits.shape, [1, 3]);
    tf.dispose(logits);
    bilstm.dispose();
    gru.dispose();
  });

  it('refuses text layers where they cannot read what they need, naming the layer', () => {
    assert.throws(
      () => build([{ type: 'transformerBlock', heads: 2, ffn: 8 }]),
      /layer "block_1" \(transformerBlock\) needs hidden states/,
    );
    assert.throws(
      () =>
        build([
          { type: 'dense', units: 4 },
          { type: 'embedding', dModel: 4 },
        ]),
      /layer "embedding" \(embedding\) reads token ids: it must be the first layer/,
    );
    assert.throws(
      () =>
        buildModel(
          { layers: [{ type: 'embedding', dModel: 4 }] },
          { ...ctx, inputShape: [4, 4, 1], vocabSize: undefined },
        ),
      /on a "text" dataset/,
    );
  });
});
