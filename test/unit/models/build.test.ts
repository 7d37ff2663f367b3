import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { buildModel, summarizeModel } from '../../../src/engine/models';
import type { BuildableSpec } from '../../../src/engine/models';
import { useCpuBackend, weightValues } from './helpers';

const names = (model: tf.LayersModel): string[] => model.layers.map((l) => l.name);
const shapeOf = (model: tf.LayersModel, name: string): (number | null)[] =>
  model.getLayer(name).outputShape as (number | null)[];
const mnist = { inputShape: [28, 28, 1], classes: 10, name: 'm', seed: 1 };

describe('buildModel', () => {
  useCpuBackend();

  describe('mlp preset', () => {
    it('names its layers hidden_i and logits, flattening image inputs first', () => {
      const { model, tappable } = buildModel({ preset: 'mlp', hidden: [8, 6] }, mnist);
      assert.deepStrictEqual(names(model), ['input', 'flatten', 'hidden_1', 'hidden_2', 'logits']);
      assert.deepStrictEqual(tappable, ['flatten', 'hidden_1', 'hidden_2', 'logits']);
      assert.deepStrictEqual(model.outputs[0].shape, [null, 10]);
      // 784·8+8, 8·6+6, 6·10+10
      assert.strictEqual(model.countParams(), 784 * 8 + 8 + 8 * 6 + 6 + 6 * 10 + 10);
      assert.strictEqual((model.getLayer('hidden_1').getConfig() as { activation: string }).activation, 'relu');
      assert.strictEqual((model.getLayer('logits').getConfig() as { activation: string }).activation, 'linear');
    });

    it('adds dropout after each hidden layer and honours the activation', () => {
      const { model } = buildModel(
        { preset: 'mlp', hidden: [5, 5], dropout: 0.2, activation: 'tanh' },
        { inputShape: [3], classes: 2, name: 'm', seed: 1 },
      );
      assert.deepStrictEqual(names(model), ['input', 'hidden_1', 'dropout_1', 'hidden_2', 'dropout_2', 'logits']);
      assert.strictEqual((model.getLayer('hidden_2').getConfig() as { activation: string }).activation, 'tanh');
    });
  });

  describe('leakyRelu layer', () => {
    it('computes max(x, alpha·x) with the given slope, 0.3 by default', () => {
      const { model } = buildModel(
        {
          layers: [
            { type: 'leakyRelu', name: 'leaky', alpha: 0.2 },
            { type: 'leakyRelu', name: 'leaky_default' },
          ],
        },
        { inputShape: [4], classes: 4, name: 'm', seed: 1 },
      );
      const tap = tf.model({
        inputs: model.inputs,
        outputs: [model.getLayer('leaky').output, model.getLayer('leaky_default').output] as tf.SymbolicTensor[],
      });
      const [once, twice] = tap.predict(tf.tensor2d([[-2, -0.5, 0, 3]])) as tf.Tensor[];
      // -2·0.2, -0.5·0.2, 0, 3; then the default slope 0.3 on the negatives again.
      assert.deepStrictEqual(
        Array.from(once.dataSync()).map((v) => Number(v.toFixed(6))),
        [-0.4, -0.1, 0, 3],
      );
      assert.deepStrictEqual(
        Array.from(twice.dataSync()).map((v) => Number(v.toFixed(6))),
        [-0.12, -0.03, 0, 3],
      );
    });
  });

  describe('lenet5 preset', () => {
    it('keeps the classic 5×5×16 maps on 28×28 inputs by padding the first convolution', () => {
      const { model } = buildModel({ preset: 'lenet5' }, mnist);
      assert.deepStrictEqual(names(model), [
        'input',
        'conv1',
        'pool1',
        'conv2',
        'pool2',
        'flatten',
        'fc1',
        'fc2',
        'logits',
      ]);
      assert.deepStrictEqual(shapeOf(model, 'conv1'), [null, 28, 28, 6]);
      assert.deepStrictEqual(shapeOf(model, 'pool2'), [null, 5, 5, 16]);
      assert.deepStrictEqual(shapeOf(model, 'fc1'), [null, 120]);
      assert.deepStrictEqual(shapeOf(model, 'fc2'), [null, 84]);
      // conv1 5·5·1·6+6, conv2 5·5·6·16+16, fc1 400·120+120, fc2 120·84+84, logits 84·10+10
      assert.strictEqual(model.countParams(), 156 + 2416 + 48120 + 10164 + 850);
    });

    it('reads 32×32 inputs unpadded and scales widths', () => {
      const classic = buildModel(
        { preset: 'lenet5' },
        { inputShape: [32, 32, 3], classes: 10, name: 'l', seed: 1 },
      ).model;
      assert.deepStrictEqual(shapeOf(classic, 'conv1'), [null, 28, 28, 6]);
      assert.deepStrictEqual(shapeOf(classic, 'pool2'), [null, 5, 5, 16]);
      const half = buildModel({ preset: 'lenet5', width: 0.5 }, mnist).model;
      assert.deepStrictEqual(shapeOf(half, 'conv1'), [null, 28, 28, 3]);
      assert.deepStrictEqual(shapeOf(half, 'pool2'), [null, 5, 5, 8]);
      assert.deepStrictEqual(shapeOf(half, 'fc1'), [null, 60]);
      assert.deepStrictEqual(shapeOf(half, 'fc2'), [null, 42]);
    });

    it('still builds on small images', () => {
      const { model } = buildModel({ preset: 'lenet5' }, { inputShape: [8, 8, 1], classes: 3, name: 'l', seed: 1 });
      assert.deepStrictEqual(model.outputs[0].shape, [null, 3]);
    });

    it('rejects flat inputs with a clear message', () => {
      assert.throws(
        () => buildModel({ preset: 'lenet5' }, { inputShape: [784], classes: 10, name: 'l', seed: 1 }),
        /lenet5.*\[784\]/,
      );
    });
  });

  describe('resnet preset', () => {
    const build = (): tf.LayersModel =>
      buildModel(
        { preset: 'resnet', blocks: [2, 1], width: 4 },
        { inputShape: [8, 8, 3], classes: 5, name: 'r', seed: 1 },
      ).model;

    it('names blocks by stage and has residual Add layers with two inbound layers', () => {
      const model = build();
      const all = names(model);
      for (const name of [
        'stem',
        'stem_bn',
        'stem_relu',
        'stage1_block1_add',
        'stage1_block1_out',
        'stage1_block2_out',
        'stage2_block1_proj',
        'stage2_block1_add',
        'gap',
        'logits',
      ]) {
        assert.ok(all.includes(name), `missing ${name}`);
      }
      // Identity shortcuts in stage 1, a projection only where the shape changes.
      assert.ok(!all.includes('stage1_block1_proj'));
      assert.ok(!all.includes('stage1_block2_proj'));
      const summary = summarizeModel(model, 'r');
      const add = summary.layers.find((l) => l.name === 'stage1_block1_add')!;
      assert.strictEqual(add.type, 'Add');
      assert.deepStrictEqual([...add.inbound].sort(), ['stage1_block1_bn2', 'stem_relu']);
      const add2 = summary.layers.find((l) => l.name === 'stage1_block2_add')!;
      assert.deepStrictEqual([...add2.inbound].sort(), ['stage1_block1_out', 'stage1_block2_bn2']);
      const projected = summary.layers.find((l) => l.name === 'stage2_block1_add')!;
      assert.deepStrictEqual([...projected.inbound].sort(), ['stage2_block1_bn2', 'stage2_block1_proj_bn']);
    });

    it('halves the resolution and doubles the channels at each new stage', () => {
      const model = build();
      assert.deepStrictEqual(shapeOf(model, 'stage1_block2_out'), [null, 8, 8, 4]);
      assert.deepStrictEqual(shapeOf(model, 'stage2_block1_out'), [null, 4, 4, 8]);
      assert.deepStrictEqual(shapeOf(model, 'gap'), [null, 8]);
      assert.deepStrictEqual(model.outputs[0].shape, [null, 5]);
      assert.strictEqual(model.layers.filter((l) => l.getClassName() === 'Add').length, 3);
    });
  });

  describe('layer lists', () => {
    it('names layers type_index per type, keeps user names and appends logits', () => {
      const { model, tappable } = buildModel(
        {
          layers: [
            { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' },
            { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', name: 'features' },
            { type: 'maxPool', poolSize: 2 },
            { type: 'batchNormalization' },
            { type: 'conv2d', filters: 2, kernelSize: 1 },
            { type: 'flatten' },
            { type: 'dense', units: 7, activation: 'relu' },
            { type: 'dropout', rate: 0.5 },
            { type: 'dense', units: 5 },
          ],
        },
        { inputShape: [6, 6, 1], classes: 3, name: 'list', seed: 1 },
      );
      assert.deepStrictEqual(names(model), [
        'input',
        'conv2d_1',
        'features',
        'maxPool_1',
        'batchNormalization_1',
        'conv2d_2',
        'flatten_1',
        'dense_1',
        'dropout_1',
        'dense_2',
        'logits',
      ]);
      assert.deepStrictEqual(tappable, names(model).slice(1));
      assert.deepStrictEqual(shapeOf(model, 'features'), [null, 4, 4, 4]);
      assert.deepStrictEqual(model.outputs[0].shape, [null, 3]);
    });

    it('uses a final dense layer with `classes` units and no activation as the logits', () => {
      const { model } = buildModel(
        {
          layers: [
            { type: 'dense', units: 8 },
            { type: 'dense', units: 3, name: 'out' },
          ],
        },
        { inputShape: [4], classes: 3, name: 'l', seed: 1 },
      );
      assert.deepStrictEqual(names(model), ['input', 'dense_1', 'out']);
    });

    it('builds a final softmax dense layer without its softmax, since losses apply softmax to logits', () => {
      const { model } = buildModel(
        { layers: [{ type: 'dense', units: 3, activation: 'softmax' }] },
        { inputShape: [4], classes: 3, name: 'l', seed: 1 },
      );
      assert.deepStrictEqual(names(model), ['input', 'dense_1']);
      assert.strictEqual((model.getLayer('dense_1').getConfig() as { activation: string }).activation, 'linear');
    });

    it('appends logits after a final dense layer of another size or with an activation', () => {
      const relu = buildModel(
        { layers: [{ type: 'dense', units: 3, activation: 'relu' }] },
        { inputShape: [4], classes: 3, name: 'l', seed: 1 },
      ).model;
      assert.deepStrictEqual(names(relu), ['input', 'dense_1', 'logits']);
    });

    it('flattens image inputs before a leading dense layer (an MLP on MNIST)', () => {
      const { model } = buildModel({ layers: [{ type: 'dense', units: 16, activation: 'relu' }] }, mnist);
      assert.deepStrictEqual(names(model), ['input', 'flatten', 'dense_1', 'logits']);
      assert.deepStrictEqual(shapeOf(model, 'flatten'), [null, 784]);
    });

    it('flattens feature maps before the logits when a list ends with convolutions', () => {
      const { model } = buildModel(
        { layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }] },
        { inputShape: [5, 5, 1], classes: 4, name: 'l', seed: 1 },
      );
      assert.deepStrictEqual(names(model), ['input', 'conv2d_1', 'flatten', 'logits']);
      assert.deepStrictEqual(shapeOf(model, 'flatten'), [null, 18]);
    });

    it('supports global average pooling and activation layers', () => {
      const { model } = buildModel(
        {
          layers: [
            { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same' },
            { type: 'activation', activation: 'gelu' },
            { type: 'avgPool', poolSize: 2 },
            { type: 'globalAveragePooling' },
          ],
        },
        { inputShape: [4, 4, 2], classes: 2, name: 'l', seed: 1 },
      );
      assert.deepStrictEqual(names(model), [
        'input',
        'conv2d_1',
        'activation_1',
        'avgPool_1',
        'globalAveragePooling_1',
        'logits',
      ]);
      assert.deepStrictEqual(shapeOf(model, 'globalAveragePooling_1'), [null, 3]);
    });

    it('never gives a generated name that the user already took', () => {
      const { model } = buildModel(
        {
          layers: [
            { type: 'dense', units: 2 },
            { type: 'dense', units: 2, name: 'dense_1' },
          ],
        },
        { inputShape: [4], classes: 3, name: 'l', seed: 1 },
      );
      assert.deepStrictEqual(names(model), ['input', 'dense_2', 'dense_1', 'logits']);
    });

    it('rejects duplicate and invalid user names, and convolutions on flat inputs', () => {
      const ctx = { inputShape: [4], classes: 3, name: 'l', seed: 1 };
      assert.throws(
        () =>
          buildModel(
            {
              layers: [
                { type: 'dense', units: 2, name: 'a' },
                { type: 'dense', units: 2, name: 'a' },
              ],
            },
            ctx,
          ),
        /duplicate layer name "a"/,
      );
      assert.throws(
        () => buildModel({ layers: [{ type: 'dense', units: 2, name: 'has space' }] }, ctx),
        /invalid layer name "has space"/,
      );
      assert.throws(
        () => buildModel({ layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }] }, ctx),
        /"conv2d_1" needs an image-shaped input.*\[4\]/,
      );
    });
  });

  describe('seeded initialization', () => {
    const specs: [string, BuildableSpec, number[]][] = [
      ['mlp', { preset: 'mlp', hidden: [6] }, [5]],
      ['lenet5', { preset: 'lenet5', width: 0.5 }, [12, 12, 1]],
      ['resnet', { preset: 'resnet', blocks: [1, 1], width: 2 }, [6, 6, 3]],
      [
        'layer list',
        {
          layers: [
            { type: 'conv2d', filters: 2, kernelSize: 3 },
            { type: 'dense', units: 4 },
          ],
        },
        [6, 6, 1],
      ],
    ];
    for (const [label, spec, inputShape] of specs) {
      it(`gives identical weights for the same seed and different ones for another (${label})`, () => {
        const build = (seed: number): number[][] =>
          weightValues(buildModel(spec, { inputShape, classes: 3, name: 's', seed }).model);
        const a = build(42);
        const b = build(42);
        const c = build(43);
        assert.deepStrictEqual(a, b);
        const kernels = a.map((w, i) => [w, c[i]] as const).filter(([w]) => w.some((v) => v !== 0 && v !== 1));
        assert.ok(kernels.length > 0);
        for (const [w, other] of kernels) assert.notDeepStrictEqual(w, other);
        // No two kernels of one model share an initial pattern.
        const firsts = kernels.map(([w]) => w[0]);
        assert.strictEqual(new Set(firsts).size, firsts.length);
      });
    }
  });
});
