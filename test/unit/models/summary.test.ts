import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { buildModel, layerMacs, summarizeModel } from '../../../src/engine/models';
import { useCpuBackend } from './helpers';

describe('summarizeModel', () => {
  useCpuBackend();

  it('counts params and MACs of a small dense model by hand', () => {
    // [3] → dense 4 (relu) → logits 2
    const { model } = buildModel(
      { layers: [{ type: 'dense', units: 4, activation: 'relu' }] },
      { inputShape: [3], classes: 2, name: 'd', seed: 1 },
    );
    const s = summarizeModel(model, 'dense-net');
    assert.strictEqual(s.name, 'dense-net');
    assert.deepStrictEqual(
      s.layers.map((l) => [l.name, l.type, l.params, l.macs]),
      [
        ['input', 'InputLayer', 0, 0],
        ['dense_1', 'Dense', 3 * 4 + 4, 3 * 4],
        ['logits', 'Dense', 4 * 2 + 2, 4 * 2],
      ],
    );
    assert.strictEqual(s.params, 26);
    assert.strictEqual(s.trainableParams, 26);
    assert.strictEqual(s.macs, 20);
    assert.strictEqual(s.bytes, 26 * 4);
    assert.strictEqual(s.depth, 2);
    assert.strictEqual(s.width, 4);
    assert.deepStrictEqual(s.inputShape, [3]);
    assert.strictEqual(s.classes, 2);
    assert.deepStrictEqual(
      s.layers.map((l) => l.inbound),
      [[], ['input'], ['dense_1']],
    );
    assert.deepStrictEqual(s.layers[1].outputShape, [null, 4]);
  });

  it('counts params and MACs of a small conv model by hand', () => {
    // [5,5,2] → conv 3×3, 3 filters, valid → [3,3,3]; conv 3×3 stride 2 same, 4 filters → [2,2,4];
    // batch norm; max pool 2 → [1,1,4]; flatten; logits 2.
    const { model } = buildModel(
      {
        layers: [
          { type: 'conv2d', filters: 3, kernelSize: 3 },
          { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false },
          { type: 'batchNormalization' },
          { type: 'maxPool', poolSize: 2 },
          { type: 'flatten' },
        ],
      },
      { inputShape: [5, 5, 2], classes: 2, name: 'c', seed: 1 },
    );
    const s = summarizeModel(model, 'conv-net');
    const by = Object.fromEntries(s.layers.map((l) => [l.name, l]));
    assert.deepStrictEqual(by.conv2d_1.outputShape, [null, 3, 3, 3]);
    assert.strictEqual(by.conv2d_1.params, 3 * 3 * 2 * 3 + 3);
    assert.strictEqual(by.conv2d_1.macs, 3 * 3 * (3 * 3) * 2 * 3); // outH·outW·kh·kw·cin·cout = 486
    assert.deepStrictEqual(by.conv2d_2.outputShape, [null, 2, 2, 4]);
    assert.strictEqual(by.conv2d_2.params, 3 * 3 * 3 * 4);
    assert.strictEqual(by.conv2d_2.macs, 2 * 2 * (3 * 3) * 3 * 4); // 432
    // Batch norm: gamma, beta trainable; moving mean and variance not. No MACs for element-wise layers.
    assert.strictEqual(by.batchNormalization_1.params, 4 * 4);
    assert.strictEqual(by.batchNormalization_1.macs, 0);
    assert.strictEqual(by.maxPool_1.macs, 0);
    assert.strictEqual(by.logits.params, 4 * 2 + 2);
    assert.strictEqual(by.logits.macs, 8);
    assert.strictEqual(s.params, 57 + 108 + 16 + 10);
    assert.strictEqual(s.trainableParams, 57 + 108 + 8 + 10);
    assert.strictEqual(s.macs, 486 + 432 + 8);
    assert.strictEqual(s.bytes, s.params * 4);
    assert.strictEqual(s.depth, 3);
    assert.strictEqual(s.width, 4);
    assert.deepStrictEqual(s.inputShape, [5, 5, 2]);
  });

  it('counts depthwise and separable convolutions by their kernels', () => {
    const input = tf.input({ shape: [6, 6, 3] });
    const depthwise = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'dw' });
    const separable = tf.layers.separableConv2d({ kernelSize: 3, filters: 5, name: 'sep' });
    const y = separable.apply(depthwise.apply(input)) as tf.SymbolicTensor;
    tf.model({ inputs: input, outputs: y });
    // depthwise: 4·4 positions · 3·3 kernel · 3 channels · 2 = 864
    assert.strictEqual(layerMacs(depthwise), 4 * 4 * 9 * 3 * 2);
    // separable on [4,4,6]: depthwise 2·2·9·6 = 216, pointwise 2·2·6·5 = 120
    assert.strictEqual(layerMacs(separable), 216 + 120);
  });

  it('lists the input layer of Sequential models and the edges to it', () => {
    const seq = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 3, name: 'a' }), tf.layers.dense({ units: 2, name: 'b' })],
    });
    const s = summarizeModel(seq, 'seq');
    assert.strictEqual(s.layers.length, 3);
    assert.strictEqual(s.layers[0].type, 'InputLayer');
    assert.deepStrictEqual(s.layers[1].inbound, [s.layers[0].name]);
    assert.deepStrictEqual(s.layers[2].inbound, ['a']);
    assert.strictEqual(s.macs, 4 * 3 + 3 * 2);
  });

  it('summarizes a branched resnet with consistent totals', () => {
    const { model } = buildModel(
      { preset: 'resnet', blocks: [1, 1], width: 4 },
      { inputShape: [8, 8, 3], classes: 5, name: 'r', seed: 1 },
    );
    const s = summarizeModel(model, 'r');
    assert.strictEqual(s.params, model.countParams());
    assert.strictEqual(
      s.layers.reduce((a, l) => a + l.params, 0),
      s.params,
    );
    // stem: 8·8 · 3·3 · 3 · 4
    assert.strictEqual(s.layers.find((l) => l.name === 'stem')!.macs, 8 * 8 * 9 * 3 * 4);
    // stage2 projection: 1×1 conv, stride 2: 4·4 · 1 · 4 · 8
    assert.strictEqual(s.layers.find((l) => l.name === 'stage2_block1_proj')!.macs, 4 * 4 * 4 * 8);
    // Depth counts convolutions and dense layers: stem, 2 convs per block, 1 projection, logits.
    assert.strictEqual(s.depth, 1 + 4 + 1 + 1);
    assert.strictEqual(s.width, 8);
    assert.deepStrictEqual(s.layers.find((l) => l.name === 'gap')!.inbound, ['stage2_block1_out']);
  });
});
